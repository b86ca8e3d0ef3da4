#include "support/fetch/scripted_api.hpp"

#include <httplib.h>

#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace etl::fetch_test {

ScriptedOrder scripted_order(const std::string& id, size_t pad_bytes) {
  ScriptedOrder o;
  o.id = id;
  o.json = R"({"purchaseOrderId":")" + id + R"(","customerOrderId":"c)" + id +
           R"(","orderDate":1714521600000,"note":")" + std::string(pad_bytes, 'x') + R"("})";
  return o;
}

struct ScriptedApi::Impl {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  mutable std::mutex mutex;
  std::vector<ScriptedOrder> orders;
  std::function<void(size_t, std::vector<ScriptedOrder>&)> hook;
  size_t first_pages = 0;
  size_t cursor_pages = 0;

  static void not_found(httplib::Response& res) {
    res.status = 404;
    res.set_content(
        R"({"errors":{"error":[{"code":"CONTENT_NOT_FOUND.GMP_ORDER_API","field":"data",)"
        R"("description":"No orders found for the given criteria","info":"Requested content could not be found.",)"
        R"("severity":"WARN","category":"DATA"}]}})",
        "application/json");
  }

  void orders_page(const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("WM_SEC.ACCESS_TOKEN") != "scripted-token") {
      res.status = 401;
      res.set_content(R"({"errors":{"error":[{"code":"UNAUTHORIZED.GMP_GATEWAY_API"}]}})",
                      "application/json");
      return;
    }
    const std::string type = req.get_param_value("shipNodeType");
    const size_t limit = req.has_param("limit") ? std::stoul(req.get_param_value("limit")) : 100;
    const bool cursor = req.has_param("offset");
    std::lock_guard lock(mutex);
    if (type != "SellerFulfilled") return not_found(res);
    size_t offset = 0;
    if (cursor) {
      offset = std::stoul(req.get_param_value("offset"));
      ++cursor_pages;
      if (hook) hook(offset, orders);
    } else {
      ++first_pages;
    }
    if (offset >= orders.size()) return not_found(res);
    const size_t end = std::min(orders.size(), offset + limit);
    std::string body = R"({"list":{"meta":{"totalCount":)" + std::to_string(orders.size()) +
                       R"(,"limit":)" + std::to_string(limit);
    if (end < orders.size()) {
      body += R"(,"nextCursor":"?limit=)" + std::to_string(limit) +
              "&offset=" + std::to_string(end) + R"(&shipNodeType=SellerFulfilled")";
    }
    body += R"(},"elements":{"order":[)";
    for (size_t i = offset; i < end; ++i) {
      if (i > offset) body += ',';
      body += orders[i].json;
    }
    body += "]}}}";
    res.set_content(body, "application/json");
  }
};

ScriptedApi::ScriptedApi() : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.server.Post("/v3/token", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"access_token":"scripted-token","token_type":"Bearer","expires_in":900})",
                    "application/json");
  });
  s.server.Get("/v3/orders", [&s](const httplib::Request& req, httplib::Response& res) {
    s.orders_page(req, res);
  });
  s.port = s.server.bind_to_any_port("127.0.0.1");
  if (s.port <= 0) throw std::runtime_error("scripted api: cannot bind");
  s.thread = std::thread([&s] { s.server.listen_after_bind(); });
  for (int i = 0; i < 5000 && !s.server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

ScriptedApi::~ScriptedApi() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::string ScriptedApi::base_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port);
}

void ScriptedApi::set_orders(std::vector<ScriptedOrder> orders) {
  std::lock_guard lock(impl_->mutex);
  impl_->orders = std::move(orders);
}

void ScriptedApi::on_cursor_page(std::function<void(size_t, std::vector<ScriptedOrder>&)> hook) {
  std::lock_guard lock(impl_->mutex);
  impl_->hook = std::move(hook);
}

size_t ScriptedApi::first_pages() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->first_pages;
}

size_t ScriptedApi::cursor_pages() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->cursor_pages;
}

}  // namespace etl::fetch_test
