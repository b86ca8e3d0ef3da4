#pragma once
// A small Walmart-like API for what the simulator does not do: its cursor is position-based (an
// offset into the live list of matches, like soIndex), the test can change the data between
// pages, and orders can be of any size. Real HTTP on 127.0.0.1 (cpp-httplib), the documented
// shapes: POST /v3/token, GET /v3/orders with list.meta.totalCount / nextCursor and
// list.elements.order, 404 CONTENT_NOT_FOUND when nothing matches.
//
// Every order belongs to SellerFulfilled and matches every date window; other ship-node types
// have none. Thread-safe.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace etl::fetch_test {

struct ScriptedOrder {
  std::string id;    // purchaseOrderId
  std::string json;  // the whole order object
};

// An order object of about `pad_bytes` more than the minimum.
ScriptedOrder scripted_order(const std::string& id, size_t pad_bytes = 0);

class ScriptedApi {
 public:
  static constexpr const char* kClientId = "scripted-id";
  static constexpr const char* kClientSecret = "scripted-secret";

  ScriptedApi();  // listening on a free port
  ~ScriptedApi();
  ScriptedApi(const ScriptedApi&) = delete;
  ScriptedApi& operator=(const ScriptedApi&) = delete;

  [[nodiscard]] std::string base_url() const;
  void set_orders(std::vector<ScriptedOrder> orders);
  // Called before a cursor page is served, with the page's offset and the live list (which it
  // may change: the page is then cut from the changed list).
  void on_cursor_page(std::function<void(size_t offset, std::vector<ScriptedOrder>& orders)> hook);
  [[nodiscard]] size_t first_pages() const;  // GET /v3/orders without a cursor, SellerFulfilled
  [[nodiscard]] size_t cursor_pages() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace etl::fetch_test
