-- Return rate per SKU: units returned / units ordered, per account, highest first. Units
-- returned are the return lines' quantities (cancelled returns included: the buyer asked);
-- units ordered are walmart_order's quantities. Run in the ODS database; @account: one
-- account's SKUs, NULL or unset: all.
SELECT o.account, o.sku, SUM(o.quantity) AS ordered,
       COALESCE(SUM(r.returned), 0) AS returned,
       ROUND(COALESCE(SUM(r.returned), 0) / SUM(o.quantity), 4) AS return_rate
FROM walmart_order o
LEFT JOIN (SELECT purchaseOrderId, purchaseOrderLineNumber, SUM(quantity) AS returned
           FROM walmart_return_line
           WHERE @account IS NULL
              OR account = CONVERT(@account USING utf8mb4) COLLATE utf8mb4_bin
           GROUP BY purchaseOrderId, purchaseOrderLineNumber) r
  ON r.purchaseOrderId = o.purchaseOrderId AND r.purchaseOrderLineNumber = o.lineNumber
WHERE @account IS NULL OR o.account = CONVERT(@account USING utf8mb4) COLLATE utf8mb4_bin
GROUP BY o.account, o.sku
ORDER BY return_rate DESC, o.account, o.sku
