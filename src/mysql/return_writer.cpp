// ReturnWriter: the connection, the order of a batch's ids and the retries around one
// transaction (ReturnWriter::attempt, return_attempt.cpp).
#include "mysql/return_writer.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/backoff.hpp"
#include "common/error.hpp"
#include "common/stop_signal.hpp"
#include "mysql/mysql_error.hpp"
#include "mysql/return_tables.hpp"

namespace etl::mysql {

ReturnWriter::ReturnWriter(config::MysqlConfig cfg, ReturnWriterOptions options)
    : cfg_(std::move(cfg)), options_(std::move(options)), tables_(std::make_unique<Tables>()) {
  connect();
}

ReturnWriter::~ReturnWriter() {
  tables_->reset();
  conn_.reset();
}

Connection& ReturnWriter::connection() {
  if (!conn_) connect();
  return *conn_;
}

void ReturnWriter::connect() {
  tables_->reset();
  conn_.reset();
  Connection c = Connection::open(cfg_);
  // READ COMMITTED as the order writer: deletes of rows not there take no gap locks.
  c.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
  conn_.emplace(std::move(c));
}

ReturnWriteResult ReturnWriter::write(const ReturnBatch& batch) {
  // Ascending ids: every writer locks the claim rows in one order (no deadlock between two).
  std::vector<size_t> order(batch.returns.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return batch.returns[a].ret.return_order_id < batch.returns[b].ret.return_order_id;
  });
  Backoff backoff(options_.backoff_initial, options_.backoff_max);
  for (int attempt_no = 0;; ++attempt_no) {
    try {
      if (!conn_) connect();
      ReturnWriteResult r = attempt(batch, order, attempt_no);
      r.retries = static_cast<unsigned>(attempt_no);
      return r;
    } catch (const EtlError& e) {
      const Error& err = e.error();
      if (err.code > 0 && is_connection_error(static_cast<unsigned>(err.code))) {
        tables_->reset();
        conn_.reset();
      } else if (conn_) {
        conn_->rollback();
      }
      if (err.cls != ErrorClass::retriable) throw;
      if (attempt_no >= options_.max_retries) {
        throw EtlError(ErrorClass::retriable, ErrorOrigin::mysql, err.code,
                       fmt::format("MySQL write of returns failed after {} attempt(s), nothing of "
                                   "the batch committed: {}",
                                   attempt_no + 1, err.message));
      }
      const auto delay = backoff.next();
      spdlog::warn("mysql: returns batch write attempt {} of {} failed ({}); retrying in {} ms",
                   attempt_no + 1, options_.max_retries + 1, e.what(), delay.count());
      if (wait_for_stop(delay)) {
        throw EtlError(ErrorClass::retriable, ErrorOrigin::mysql, err.code,
                       "stop requested while waiting to retry a failed MySQL write of returns: " +
                           err.message);
      }
    }
  }
}

}  // namespace etl::mysql
