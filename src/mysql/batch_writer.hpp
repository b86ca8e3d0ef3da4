#pragma once
// The MySQL sink: writes a WriteBatch (orders, dead letters, Kafka offsets) in ONE transaction.
// Used by `load` and by each `stream` worker (one BatchWriter, hence one connection, per thread).
//
// What write() guarantees:
//  - A newer version of an order replaces the older in every table: its walmart_order rows are
//    upserted and rows of lines it no longer has are deleted; its charges are replaced as a set;
//    its walmart_order_raw row is upserted. Within a batch, only the last occurrence of an order
//    is written. Re-writing identical data changes nothing but load_time.
//  - An order stored nowhere yet costs plain INSERTs: one read before the transaction
//    (read_stored_ids) splits the batch into new ids and known ones. New ids go into every table
//    by multi-row INSERT, archive row first (it is their claim, account_guard.hpp), with no DELETE
//    and no ON DUPLICATE KEY; known ids take the upsert way above. If another writer stores one of
//    the new ids between that read and the INSERT, the INSERT fails on the duplicate key (or, with
//    the archive off, a locked count of the ids' lines finds more than it wrote): the attempt is
//    rolled back and the whole batch is written the upsert way, so no row is lost or doubled
//    (WriteResult::fell_back).
//  - Dead letters are idempotent on (source, record_index); offsets are fenced per
//    (consumer_group, topic, partition) (offset_fence.hpp): the transaction first moves each
//    partition's stored offset from the value the caller expects; if any partition holds
//    something else, nothing is written and WriteResult::fenced names those partitions.
//  - Nothing is half-written: every attempt is one transaction, rolled back on any error.
//  - Retriable errors (lost connection, server gone, deadlock, lock wait timeout, ...): rollback,
//    backoff with jitter, reconnect if the connection is broken, retry up to max_retries; then
//    EtlError(retriable) — the caller decides (load exits 1; stream keeps retrying, unhealthy).
//  - Row-level data errors (1366, 1406, 1264, ...: ErrorClass::bad_record): the orders the server
//    refuses are found by bisection (savepoints inside the same transaction), sent to the dead
//    letter with the server's message and errno, and the rest of the batch is written.
//  - An order whose purchaseOrderId is stored under another account (account_guard.hpp) is not
//    written: it goes to the dead letter, the rest of the batch is written.
//  - Fatal errors (access denied, unknown table, ...): EtlError(fatal), nothing written.
//  - A stop request (SIGINT/SIGTERM, common/stop_signal.hpp) cuts a backoff short: the write then
//    fails with EtlError(retriable), nothing of the batch committed.
//  - Sessions run at READ COMMITTED (unless the server logs statements), so parallel writers of
//    different orders take no gap locks and do not deadlock each other.
//
// Two write paths with identical results: MariaDB bulk array binding (fastest, MariaDB >= 10.2)
// and portable multi-row statements (MySQL 8 too). WritePath::automatic picks bulk when the
// server supports it.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "mysql/account_guard.hpp"
#include "mysql/connection.hpp"
#include "mysql/offset_fence.hpp"
#include "mysql/order_tables.hpp"
#include "mysql/server_dialect.hpp"
#include "mysql/table_statement.hpp"
#include "mysql/write_batch.hpp"

namespace etl::mysql {

struct BatchWriterOptions {
  WritePath path = WritePath::automatic;
  int max_retries = 3;  // retries after the first attempt, for retriable errors
  std::chrono::milliseconds backoff_initial{200};
  std::chrono::milliseconds backoff_max{30000};
  // Upper bound of one statement's parameter bytes; 0 = half the server's max_allowed_packet
  // (capped at 16 MiB).
  size_t max_statement_bytes = 0;
  // walmart_order_raw: compressed (payload_zlib), plain (payload) or off (not written).
  config::RawArchive raw_archive = config::RawArchive::compressed;
  // Test hook, called after the order statements of an attempt and before its COMMIT, with the
  // attempt number (0-based). Lets tests kill the server mid-transaction.
  std::function<void(int attempt)> before_commit;
  // Test hook, called after the read that splits a batch into new and known ids and before its
  // transaction begins. Lets tests store one of the "new" ids from another connection meanwhile.
  std::function<void()> after_split;
};

// An order the server refused (it is in the dead letter now).
struct RejectedOrder {
  size_t batch_index = 0;  // index in WriteBatch::orders
  int64_t purchase_order_id = 0;
  std::string source;
  int32_t record_index = 0;
  int error_code = 0;
  std::string message;  // the server's message
  // Refused by the writer itself: the id is stored under another account (account_guard.hpp).
  bool account_conflict = false;
};

struct WriteResult {
  size_t orders = 0;        // orders written (after keeping the last version of each)
  size_t rows = 0;          // walmart_order rows written
  size_t charges = 0;       // walmart_order_charge rows written
  size_t superseded = 0;    // earlier versions of an order in the same batch, not written
  size_t dead_letters = 0;  // dead-letter rows written: the batch's plus the rejected orders
  size_t offsets = 0;       // offset rows written
  // Non-empty: partitions whose stored offset was not the expected one; NOTHING of the batch was
  // written (the caller drops or re-checks those partitions and writes the rest again).
  std::vector<FencedPartition> fenced;
  unsigned retries = 0;  // attempts that failed retriably before the successful one
  std::vector<RejectedOrder> rejected;
  size_t new_orders = 0;  // of `orders`, those written by plain INSERTs (stored nowhere before)
  // True when an id read as new was stored by another writer before this one's INSERT: the batch
  // was then rolled back and written the upsert way (new_orders is 0).
  bool fell_back = false;
};

class BatchWriter {
 public:
  // Connects (throws EtlError: access denied is fatal, connection refused retriable).
  BatchWriter(config::MysqlConfig cfg, BatchWriterOptions options);
  ~BatchWriter();
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  // Writes the batch in one transaction (see above). The batch is not modified.
  WriteResult write(const WriteBatch& batch);

  // bulk or portable: the path the current connection uses.
  [[nodiscard]] WritePath active_path() const noexcept { return active_path_; }
  // The writer's connection (reconnected after failures); for schema checks and reads between
  // writes. Throws EtlError if it cannot connect.
  Connection& connection();
  // True when the last failed write lost its connection while waiting for the COMMIT reply: the
  // server may or may not have committed it. The next attempt's offset fence tells (a partition
  // already at the batch's next offset was written).
  [[nodiscard]] bool last_commit_in_doubt() const noexcept { return commit_in_doubt_; }

 private:
  void connect();
  void drop_connection() noexcept;
  // Reorders `selected`: the ids stored nowhere first, then the known ones, each by ascending id.
  // Returns how many are new.
  size_t split_new_orders(const WriteBatch& batch, std::vector<size_t>& selected);
  WriteResult attempt(const WriteBatch& batch, const std::vector<size_t>& selected, size_t fresh,
                      int attempt_no);
  // Orders [a, b) of tables_: by plain INSERTs when b <= fresh_, else the upsert way.
  void write_orders(size_t a, size_t b);
  void write_new_orders(size_t a, size_t b);
  void isolate(const WriteBatch& batch, const std::vector<size_t>& selected, size_t a, size_t b,
               int depth, std::vector<RejectedOrder>& rejected);
  void write_dead_letters(const std::vector<const DeadLetter*>& letters);

  config::MysqlConfig cfg_;
  BatchWriterOptions options_;
  std::optional<Connection> conn_;  // declared before the statements: they close first
  WritePath active_path_ = WritePath::portable;
  ServerDialect dialect_;  // of the server last connected to; the upserts below are worded for it
  size_t statement_bytes_ = 0;
  size_t max_packet_ = 0;
  bool commit_in_doubt_ = false;
  size_t fresh_ = 0;  // orders [0, fresh_) of tables_ are new in the current attempt
  // The accounts the read before the transaction found (ids stored with one), for the guard.
  StoredAccounts split_accounts_;

  TableStatement delete_charges_;
  TableStatement delete_stale_lines_;
  TableStatement upsert_lines_;
  TableStatement insert_lines_;
  TableStatement insert_charges_;
  TableStatement upsert_raw_;
  TableStatement insert_raw_;
  TableStatement upsert_dead_letters_;

  OrderTables tables_;
  ParamTable dead_letter_params_;
};

[[nodiscard]] std::string_view to_string(WritePath p) noexcept;

}  // namespace etl::mysql
