#!/usr/bin/env python3
"""Writes the synthetic seed corpus of the order-mapping fuzz target into fuzz/corpus/.

Seeds are variants of tests/fixtures/orders/all_columns_order.json covering the shapes the mapper
handles (nulls, single objects for lists, wrong types, escapes, unicode, duplicates, arrays,
exponents, bad records). Synthetic data only. Re-run after changing the fixture:
    python3 fuzz/make_seed_corpus.py
"""
import copy
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
BASE = json.loads((ROOT / "tests/fixtures/orders/all_columns_order.json").read_text())
OUT = ROOT / "fuzz/corpus"


def line(o):
    return o["orderLines"]["orderLine"][0]


def variants():
    yield "minimal", {"purchaseOrderId": "1", "orderLines": {"orderLine": []}}
    o = copy.deepcopy(BASE)
    o["shippingInfo"] = None
    line(o)["charges"] = None
    line(o)["orderLineStatuses"] = {"orderLineStatus": None}
    yield "nulls", o
    o = copy.deepcopy(BASE)
    o["orderLines"]["orderLine"] = line(o)
    l = o["orderLines"]["orderLine"]
    l["charges"]["charge"] = l["charges"]["charge"][0]
    l["orderLineStatuses"]["orderLineStatus"] = l["orderLineStatuses"]["orderLineStatus"][0]
    yield "single_objects", o
    o = copy.deepcopy(BASE)
    o["customerEmailId"] = {"x": [1, 2]}
    o["shippingInfo"]["phone"] = 5550100001
    o["customerOrderId"] = "abc"
    line(o)["orderLineQuantity"]["amount"] = "1.0"
    line(o)["item"]["sku"] = True
    line(o)["charges"]["charge"][0]["chargeAmount"]["amount"] = "99999999.995"
    yield "wrong_types", o
    o = copy.deepcopy(BASE)
    line(o)["item"]["productName"] = "漢字😀e\u0301 \"quoted\" \\ / \t"
    o["shippingInfo"]["postalAddress"]["country"] = "漢字漢字漢字漢字漢字漢"
    yield "unicode", o
    o = copy.deepcopy(BASE)
    o["orderDate"] = 0
    o["shippingInfo"]["estimatedDeliveryDate"] = -1000
    o["shippingInfo"]["estimatedShipDate"] = 2147483648000
    o["request_time"] = "2024-13-01 00:00:00"
    yield "epochs", o
    o = copy.deepcopy(BASE)
    l2 = copy.deepcopy(line(o))
    l2["lineNumber"] = "01"
    line(o)["lineNumber"] = " 7 "
    o["orderLines"]["orderLine"].append(l2)
    yield "line_numbers", o
    o = copy.deepcopy(BASE)
    l2 = copy.deepcopy(line(o))
    o["orderLines"]["orderLine"].append(l2)
    yield "duplicate_line_numbers", o
    o = copy.deepcopy(BASE)
    o["purchaseOrderId"] = 4000000000001
    yield "numeric_id", o
    o = copy.deepcopy(BASE)
    del o["purchaseOrderId"]
    yield "missing_id", o
    o2 = copy.deepcopy(BASE)
    o2["purchaseOrderId"] = "4000000000002"
    yield "array", [BASE, o2]
    o = copy.deepcopy(BASE)
    line(o)["charges"]["charge"][0]["chargeAmount"]["amount"] = 1e2
    line(o)["charges"]["charge"][1]["chargeAmount"]["amount"] = -0.005
    yield "decimals", o


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, value in variants():
        (OUT / f"seed_{name}.json").write_text(json.dumps(value, ensure_ascii=False))
    text = json.dumps(BASE, separators=(",", ":"))
    # Raw text edits json.dumps cannot express: duplicate keys, escapes, invalid tails, nesting.
    extra = {
        "duplicate_keys": text.replace('"purchaseOrderId":', '"purchaseOrderId":"17","purchaseOrderId":', 1),
        "escaped_keys": text.replace('"sku":', '"\\u0073ku":', 1),
        "trailing": text + " x",
        "truncated": text[: len(text) // 2],
        "deep": '{"purchaseOrderId":"1","x":' + "[" * 200 + "]" * 200 + "}",
        "decimal_text": text.replace("19.99", "1.235e0", 1),
    }
    for name, value in extra.items():
        (OUT / f"seed_{name}.json").write_text(value)


if __name__ == "__main__":
    main()
