#include "e2e/stream/stream_fixture.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <span>
#include <sstream>
#include <thread>

#include "common/utc_time.hpp"
#include "kafka/consumer.hpp"
#include "mysql/connection.hpp"
#include "mysql/schema.hpp"
#include "order/order_mapper.hpp"
#include "tools/sim/order_model.hpp"
#include "tools/sim/order_render.hpp"

extern char** environ;

namespace etl::stream_test {

namespace {

constexpr int64_t kOrdersPerDay = 100000;
constexpr int64_t kVersionStepMs = 6 * 3600 * 1000;

// Index just past the JSON value that starts at `pos` (an object or array), honouring strings.
size_t end_of_container(const std::string& s, size_t pos) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = pos; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return std::string::npos;
}

std::string text(int64_t v) { return std::to_string(v); }

std::optional<std::string> opt(const order::OptInt& v) {
  return v ? std::optional<std::string>(text(*v)) : std::nullopt;
}
std::optional<std::string> opt(const order::OptText& v) {
  return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}
std::optional<std::string> cents(const order::OptCents& v) {
  if (!v) return std::nullopt;
  const int64_t a = *v < 0 ? -*v : *v;
  return fmt::format("{}{}.{:02}", *v < 0 ? "-" : "", a / 100, a % 100);
}
std::optional<std::string> instant(const order::OptEpochSeconds& v) {
  return v ? std::optional<std::string>(format_sql_datetime(*v)) : std::nullopt;
}

TextRow line_row(const order::OrderLineRow& r) {
  return {text(r.purchase_order_id),
          opt(r.customer_order_id),
          opt(r.customer_email_id),
          opt(r.order_date),
          instant(r.order_date_formatted),
          opt(r.ship_node_type),
          opt(r.ship_node_name),
          opt(r.ship_node_id),
          std::string("kafka_stream"),
          opt(r.phone),
          opt(r.estimated_delivery_date),
          instant(r.estimated_delivery_date_formatted),
          opt(r.estimated_ship_date),
          instant(r.estimated_ship_date_formatted),
          opt(r.method_code),
          opt(r.recipient_name),
          opt(r.address1),
          opt(r.address2),
          opt(r.city),
          opt(r.state),
          opt(r.postal_code),
          opt(r.country),
          opt(r.address_type),
          text(r.line_number),
          opt(r.sku),
          opt(r.product_name),
          opt(r.product_condition),
          opt(r.quantity),
          opt(r.unit_of_measurement),
          opt(r.status_date),
          instant(r.status_date_formatted),
          opt(r.fulfillment_option),
          opt(r.ship_method),
          opt(r.store_id),
          opt(r.shipping_program_type),
          opt(r.charge_type),
          opt(r.charge_name),
          cents(r.charge_amount),
          opt(r.currency),
          cents(r.tax_amount),
          opt(r.tax_name),
          opt(r.order_line_status),
          opt(r.status_quantity),
          opt(r.cancellation_reason),
          opt(r.ship_date_time),
          instant(r.ship_date_time_formatted),
          opt(r.carrier_name),
          opt(r.carrier_method_code),
          opt(r.tracking_number),
          opt(r.tracking_url),
          instant(r.request_time)};
}

constexpr const char* kOrderColumns =
    "purchaseOrderId, customerOrderId, customerEmailId, orderDate, orderDate_formatted, "
    "shipNode_type, shipNode_name, shipNode_id, source_file, phone, estimatedDeliveryDate, "
    "estimatedDeliveryDate_formatted, estimatedShipDate, estimatedShipDate_formatted, methodCode, "
    "recipient_name, address1, address2, city, state, postalCode, country, addressType, "
    "lineNumber, "
    "sku, productName, product_condition, quantity, unitOfMeasurement, statusDate, "
    "statusDate_formatted, fulfillmentOption, shipMethod, storeId, shippingProgramType, "
    "chargeType, "
    "chargeName, chargeAmount, currency, taxAmount, taxName, orderLineStatus, statusQuantity, "
    "cancellationReason, shipDateTime, shipDateTime_formatted, carrierName, carrierMethodCode, "
    "trackingNumber, trackingURL, request_time";

std::string describe_row(const TextRow& r) {
  std::string out;
  for (const auto& v : r) {
    if (!out.empty()) out += " | ";
    out += v ? (v->size() > 60 ? v->substr(0, 60) + "..." : *v) : "NULL";
  }
  return out;
}

void compare_rows(const std::vector<TextRow>& expected, const std::vector<TextRow>& actual,
                  const std::string& table, const std::string& what) {
  EXPECT_EQ(expected.size(), actual.size()) << what << ": row count of " << table;
  int reported = 0;
  for (size_t i = 0; i < std::min(expected.size(), actual.size()) && reported < 5; ++i) {
    if (expected[i] == actual[i]) continue;
    ++reported;
    std::string detail;
    for (size_t c = 0; c < std::max(expected[i].size(), actual[i].size()); ++c) {
      const auto e = c < expected[i].size() ? expected[i][c] : std::nullopt;
      const auto a = c < actual[i].size() ? actual[i][c] : std::nullopt;
      if (e != a) {
        detail +=
            fmt::format("\n  column {}: expected {} got {}", c, e ? *e : "NULL", a ? *a : "NULL");
      }
    }
    ADD_FAILURE() << what << ": " << table << " row " << i << " differs (key "
                  << describe_row({expected[i][0]}) << ")" << detail;
  }
  if (expected.size() != actual.size()) {
    // Show a few keys present on one side only.
    std::vector<std::string> ek;
    std::vector<std::string> ak;
    for (const auto& r : expected)
      ek.push_back(describe_row({r.begin(), r.begin() + std::min<size_t>(3, r.size())}));
    for (const auto& r : actual)
      ak.push_back(describe_row({r.begin(), r.begin() + std::min<size_t>(3, r.size())}));
    std::sort(ek.begin(), ek.end());
    std::sort(ak.begin(), ak.end());
    std::vector<std::string> only_e;
    std::vector<std::string> only_a;
    std::set_difference(ek.begin(), ek.end(), ak.begin(), ak.end(), std::back_inserter(only_e));
    std::set_difference(ak.begin(), ak.end(), ek.begin(), ek.end(), std::back_inserter(only_a));
    std::string msg;
    for (size_t i = 0; i < std::min<size_t>(5, only_e.size()); ++i)
      msg += "\n  missing: " + only_e[i];
    for (size_t i = 0; i < std::min<size_t>(5, only_a.size()); ++i)
      msg += "\n  unexpected: " + only_a[i];
    ADD_FAILURE() << what << ": " << table << " " << only_e.size() << " missing, " << only_a.size()
                  << " unexpected" << msg;
  }
}

bool numeric_less(const TextRow& a, const TextRow& b, size_t keys) {
  for (size_t i = 0; i < keys; ++i) {
    const int64_t x = a[i] ? std::stoll(*a[i]) : INT64_MIN;
    const int64_t y = b[i] ? std::stoll(*b[i]) : INT64_MIN;
    if (x != y) return x < y;
  }
  return false;
}

}  // namespace

// ------------------------------------------------------------------------------------------------

OrderFeed::OrderFeed(uint64_t seed) : seed_(seed), origin_ms_(1'700'000'000'000) {}

std::string OrderFeed::order_json(uint64_t index, int version) const {
  const walmart::sim::OrderModel model(seed_, kOrdersPerDay, origin_ms_);
  const auto sk = model.skeleton(index);
  const int64_t now = sk.order_date_ms + version * kVersionStepMs + 1000;
  const std::string body = walmart::sim::render_order(sk, now, {}, seed_);
  return fmt::format("{{\"request_time\":\"{}\",{}", format_sql_datetime(now / 1000),
                     body.substr(1));
}

std::string OrderFeed::purchase_order_id(uint64_t index) const {
  const walmart::sim::OrderModel model(seed_, kOrdersPerDay, origin_ms_);
  return std::to_string(model.purchase_order_id(index));
}

std::string OrderFeed::order_without_lines_json(uint64_t index) const {
  std::string s = order_json(index, 0);
  const size_t key = s.find("\"orderLines\":");
  if (key == std::string::npos) return s;
  const size_t start = s.find_first_of("{[n", key + 13);
  const size_t end = s[start] == 'n' ? start + 4 : end_of_container(s, start);
  s.replace(start, end - start, "{\"orderLine\":[]}");
  return s;
}

TopicWriter::TopicWriter(const std::string& bootstraps, std::string topic, bool compress)
    : topic_(std::move(topic)) {
  config::KafkaConfig cfg;
  cfg.bootstrap_servers = {bootstraps};
  if (!compress) cfg.properties["compression.type"] = "none";
  producer_ = std::make_unique<kafka::Producer>(cfg);
}

TopicWriter::~TopicWriter() = default;

void TopicWriter::produce(std::string key, std::string value, int32_t partition) {
  auto m =
      std::make_unique<ProducedMessage>(ProducedMessage{std::move(key), std::move(value), -1, -1});
  ProducedMessage* raw = m.get();
  in_flight_.push_back(std::move(m));
  // fetch tags every message with its seller; the stream writes it to every row.
  const std::array<kafka::HeaderView, 1> header{
      kafka::HeaderView{"account", account_ ? std::string_view(*account_) : std::string_view()}};
  const std::span<const kafka::HeaderView> headers =
      account_ ? std::span<const kafka::HeaderView>(header) : std::span<const kafka::HeaderView>();
  const auto err =
      producer_->produce(kafka::OutgoingMessage(topic_, raw->key, raw->value, headers,
                                                partition < 0 ? RD_KAFKA_PARTITION_UA : partition),
                         [raw](const kafka::DeliveryReport& r) {
                           if (r.acknowledged()) {
                             raw->partition = r.partition;
                             raw->offset = r.offset;
                           }
                         });
  if (err) throw EtlError(*err);
}

void TopicWriter::flush() {
  const auto r = producer_->flush(60s);
  if (!r.complete()) throw std::runtime_error("produce failed: " + r.describe());
  for (auto& m : in_flight_) {
    if (m->offset < 0) throw std::runtime_error("a message has no delivery report");
    messages_.push_back(std::move(*m));
  }
  in_flight_.clear();
}

WorkloadCounts produce_workload(TopicWriter& writer, const OrderFeed& feed, uint64_t first_index,
                                size_t orders, uint64_t seed) {
  std::mt19937_64 rng(seed);
  WorkloadCounts counts;
  uint64_t extra = first_index + orders;  // ids used only inside arrays / the line-less order
  auto send = [&](std::string key, std::string value) {
    writer.produce(std::move(key), std::move(value));
    ++counts.messages;
  };
  int poison_kind = 0;
  for (size_t i = 0; i < orders; ++i) {
    const uint64_t idx = first_index + i;
    send(feed.purchase_order_id(idx), feed.order_json(idx, 0));
    if (i % 97 == 13) {
      ++counts.poison;
      const std::string key = fmt::format("poison-{}-{}", first_index, i);
      switch (poison_kind++ % 5) {
        case 0:
          send(key, "this is not JSON {");
          break;
        case 1:
          send(key, "42");
          break;
        case 2:
          send(key, R"({"purchaseOrderId":"abc","orderLines":null})");
          break;
        case 3:
          send(
              key,
              fmt::format(
                  R"({{"purchaseOrderId":"{}","orderLines":{{"orderLine":[{{"lineNumber":"1"}},{{"lineNumber":"1"}}]}}}})",
                  feed.purchase_order_id(extra++)));
          break;
        default: {
          const std::string full = feed.order_json(extra++, 0);
          send(key, full.substr(0, full.size() / 2));  // truncated
        }
      }
    }
    if (i % 200 == 50) {
      const int n = 2 + static_cast<int>(rng() % 2);
      std::string array = "[";
      std::string key;
      for (int k = 0; k < n; ++k) {
        const uint64_t id = extra++;
        if (k == 0) key = feed.purchase_order_id(id);
        array += (k ? "," : "") + feed.order_json(id, static_cast<int>(rng() % 3));
      }
      send(key, array + "]");
    }
    if (i == orders / 2) {
      const uint64_t id = extra++;
      send(feed.purchase_order_id(id), feed.order_without_lines_json(id));
    }
  }
  std::vector<uint64_t> second;
  for (size_t i = 0; i < orders; ++i) {
    if (rng() % 3 == 0) {
      send(feed.purchase_order_id(first_index + i), feed.order_json(first_index + i, 1));
      if (rng() % 2 == 0) second.push_back(first_index + i);
    }
  }
  for (uint64_t idx : second) send(feed.purchase_order_id(idx), feed.order_json(idx, 3));
  return counts;
}

// ------------------------------------------------------------------------------------------------

Tables expected_tables(const std::vector<ProducedMessage>& messages, const std::string& topic) {
  std::vector<const ProducedMessage*> sorted;
  for (const auto& m : messages) sorted.push_back(&m);
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
    return std::pair(a->partition, a->offset) < std::pair(b->partition, b->offset);
  });
  struct Final {
    const ProducedMessage* message;
    order::ParsedOrder order;
  };
  std::map<int64_t, Final> finals;
  Tables t;
  order::OrderMapper mapper;
  for (const auto* m : sorted) {
    auto r = mapper.parse_message(m->value);
    if (r.bad) {
      const std::string source = fmt::format("{}/{}/{}", topic, m->partition, m->offset);
      t.dead_letters.push_back(
          {source, std::string("0"), topic, text(m->partition), text(m->offset), m->key,
           r.bad->purchase_order_id ? std::optional<std::string>(text(*r.bad->purchase_order_id))
                                    : std::nullopt,
           m->value, std::string("bad_record"), r.bad->reason});
      continue;
    }
    for (auto& o : r.orders) {
      const int64_t id = o.purchase_order_id;
      finals.insert_or_assign(id, Final{m, std::move(o)});
    }
    t.offsets[m->partition] = std::max(t.offsets[m->partition], m->offset + 1);
  }
  for (const auto* m : sorted)
    t.offsets[m->partition] = std::max(t.offsets[m->partition], m->offset + 1);
  for (const auto& [id, f] : finals) {
    for (const auto& l : f.order.lines) t.orders.push_back(line_row(l));
    for (const auto& c : f.order.charges) {
      t.charges.push_back({text(c.purchase_order_id), text(c.line_number), text(c.charge_seq),
                           opt(c.charge_type), opt(c.charge_name), cents(c.charge_amount),
                           opt(c.currency), opt(c.tax_name), cents(c.tax_amount)});
    }
    t.raw.push_back({text(id), std::string(f.order.raw_json), instant(f.order.request_time), topic,
                     text(f.message->partition), text(f.message->offset),
                     std::string("kafka_stream")});
  }
  std::sort(t.orders.begin(), t.orders.end(), [](const auto& a, const auto& b) {
    return std::pair(std::stoll(*a[0]), std::stoll(*a[23])) <
           std::pair(std::stoll(*b[0]), std::stoll(*b[23]));
  });
  std::sort(t.charges.begin(), t.charges.end(),
            [](const auto& a, const auto& b) { return numeric_less(a, b, 3); });
  return t;
}

Tables dump_tables(const config::MysqlConfig& mysql, const std::string& group) {
  auto conn = mysql::Connection::open(mysql);
  Tables t;
  t.orders = conn.query(fmt::format(
      "SELECT {} FROM walmart_order ORDER BY purchaseOrderId, lineNumber", kOrderColumns));
  t.charges = conn.query(
      "SELECT purchaseOrderId, lineNumber, chargeSeq, chargeType, chargeName, chargeAmount, "
      "currency, taxName, "
      "taxAmount FROM walmart_order_charge ORDER BY purchaseOrderId, lineNumber, chargeSeq");
  t.raw = conn.query(
      "SELECT purchaseOrderId, payload, request_time, source_topic, source_partition, "
      "source_offset, source_file "
      "FROM walmart_order_raw_json ORDER BY purchaseOrderId");  // the JSON whichever column holds
                                                                // it
  t.dead_letters = conn.query(
      "SELECT source, record_index, source_topic, source_partition, source_offset, message_key, "
      "purchaseOrderId, "
      "payload, error_class, error_message FROM walmart_order_dead_letter "
      "ORDER BY source_partition, source_offset, record_index");
  for (const auto& r :
       conn.query("SELECT partition_id, next_offset FROM etl_kafka_offset WHERE consumer_group = " +
                  conn.quote(group))) {
    t.offsets[std::stoi(*r[0])] = std::stoll(*r[1]);
  }
  return t;
}

void expect_same_tables(const Tables& expected, const Tables& actual, const std::string& what) {
  compare_rows(expected.orders, actual.orders, "walmart_order", what);
  compare_rows(expected.charges, actual.charges, "walmart_order_charge", what);
  compare_rows(expected.raw, actual.raw, "walmart_order_raw", what);
  compare_rows(expected.dead_letters, actual.dead_letters, "walmart_order_dead_letter", what);
  EXPECT_EQ(expected.offsets, actual.offsets) << what << ": etl_kafka_offset";
}

// ------------------------------------------------------------------------------------------------

std::string write_config(const std::string& dir, const StreamSettings& s) {
  const std::string path = dir + "/stream-config.yml";
  std::ofstream out(path);
  out << "kafka:\n"
      << "  bootstrap_servers: [\"" << s.bootstraps << "\"]\n"
      << "  topic: " << s.topic << "\n"
      << (s.returns_topic.empty() ? "" : "  returns_topic: " + s.returns_topic + "\n")
      << "  consumer_group: " << s.group << "\n"
      << "  properties:\n"
      << "    session.timeout.ms: \"3000\"\n"
      << "    heartbeat.interval.ms: \"500\"\n"
      << "mysql:\n"
      << "  host: " << s.mysql.host << "\n"
      << "  port: " << s.mysql.port << "\n"
      << "  user: " << s.mysql.user << "\n"
      << "  password: \"" << s.mysql.password << "\"\n"
      << "  database: " << s.mysql.database << "\n"
      << "  connect_timeout_s: 2\n"
      << "  read_timeout_s: 10\n"
      << "  write_timeout_s: 10\n"
      << "stream:\n"
      << "  batch_size: " << s.batch_size << "\n"
      << "  batch_interval_ms: " << s.batch_interval_ms << "\n"
      << "  group_commit: " << (s.group_commit ? "true" : "false") << "\n"
      << "  parallelism: " << s.parallelism << "\n"
      << "  max_retries: " << s.max_retries << "\n"
      << "  retry_backoff_initial_ms: " << s.retry_backoff_initial_ms << "\n"
      << "  retry_backoff_max_ms: " << s.retry_backoff_max_ms << "\n"
      << "  max_pending_messages: " << s.max_pending_messages << "\n"
      << "  on_data_loss: " << s.on_data_loss << "\n"
      << "  metrics_port: " << s.metrics_port << "\n"
      << "  status_interval_s: 1\n"
      << "  shutdown_timeout_s: " << s.shutdown_timeout_s << "\n"
      << "  default_account: \"" << s.default_account << "\"\n"
      << "logging:\n"
      << "  dir: \"" << (s.log_dir.empty() ? dir + "/logs" : s.log_dir) << "\"\n"
      << "  level: " << s.log_level << "\n";
  if (!s.privacy_hash_secret.empty()) {
    out << "privacy:\n";
    for (const char* field : {"customer_email_id", "phone", "recipient_name", "address1",
                              "address2", "city", "postal_code", "pickup_persons"}) {
      out << "  " << field << ": hash\n";
    }
    out << "  hash_secret: \"" << s.privacy_hash_secret << "\"\n";
  }
  return path;
}

StreamProcess::StreamProcess(const std::string& config_path,
                             const std::vector<std::string>& extra_args, std::string log_path)
    : log_path_(std::move(log_path)) {
  std::vector<std::string> args{ETL_BINARY_PATH, "--config", config_path, "stream"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  const int rc = posix_spawn(&pid_, args[0].c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("posix_spawn failed");
}

StreamProcess::~StreamProcess() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    wait(10s);
  }
}

void StreamProcess::signal(int sig) {
  if (!exit_code_) ::kill(pid_, sig);
}

int StreamProcess::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!exit_code_) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(20ms);
  }
  return *exit_code_;
}

bool StreamProcess::running() { return wait(0ms) == -1; }

std::string StreamProcess::log() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

StreamEnv::StreamEnv(int partitions)
    : topic("orders-" + test::random_suffix(8)),
      group("stream-" + test::random_suffix(8)),
      dir(test::make_temp_dir("etl-stream")) {
  broker = std::make_unique<kafka::DevBroker>(kafka::DevBrokerOptions{1, {{topic, partitions}}});
  db = std::make_unique<test::ScopedDatabase>(test::test_mysql_config());
  const auto report = mysql::init_db(db->config());
  if (!report.problems.empty()) throw std::runtime_error("init_db reported problems");
}

StreamEnv::~StreamEnv() {
  // Logs and configs stay for a failed test (the failure messages name them), go otherwise.
  if (!::testing::Test::HasFailure()) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
}

StreamSettings StreamEnv::settings() const {
  StreamSettings s;
  s.bootstraps = broker->bootstraps();
  s.topic = topic;
  s.group = group;
  s.mysql = db->config();
  s.log_dir = dir + "/logs";
  return s;
}

std::unique_ptr<StreamProcess> StreamEnv::start(const StreamSettings& s,
                                                const std::vector<std::string>& args,
                                                const std::string& name) const {
  const std::string cfg_dir = dir + "/" + name;
  std::filesystem::create_directories(cfg_dir);
  return std::make_unique<StreamProcess>(write_config(cfg_dir, s), args, dir + "/" + name + ".log");
}

int StreamEnv::run_until_idle(const StreamSettings& s, const std::string& name,
                              std::chrono::milliseconds timeout) const {
  auto p = start(s, {"--until-idle"}, name);
  const int code = p->wait(timeout);
  if (code == -1) {
    ADD_FAILURE() << name << ": stream --until-idle did not finish within " << timeout.count()
                  << " ms; log:\n"
                  << p->log();
  }
  return code;
}

std::string StreamEnv::log_of(const std::string& name) const {
  std::ifstream in(dir + "/" + name + ".log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::map<int32_t, int64_t> kafka_committed(const std::string& bootstraps, const std::string& group,
                                           const std::string& topic, int partitions) {
  config::KafkaConfig cfg;
  cfg.bootstrap_servers = {bootstraps};
  kafka::ConsumerOptions options;
  options.client.group_id = group;
  kafka::Consumer consumer(cfg, options);
  kafka::TopicPartitions tps;
  for (int p = 0; p < partitions; ++p) tps.push_back({topic, p});
  std::map<int32_t, int64_t> out;
  for (const auto& tp : consumer.committed(tps, 10s)) {
    if (tp.offset >= 0) out[tp.partition] = tp.offset;
  }
  consumer.close();
  return out;
}

int free_tcp_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::pair<int, std::string> http_get(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(1, 0);
  client.set_read_timeout(3, 0);
  auto res = client.Get(path.c_str());
  if (!res) return {-1, ""};
  return {res->status, res->body};
}

double metric(int port, const std::string& sample) {
  const auto [status, body] = http_get(port, "/metrics");
  if (status != 200) return -1;
  return metric_value(body, sample).value_or(-1);
}

std::optional<double> metric_value(const std::string& page, const std::string& sample) {
  std::istringstream in(page);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(sample + " ", 0) == 0) return std::stod(line.substr(sample.size() + 1));
  }
  return std::nullopt;
}

bool all_written(const config::MysqlConfig& cfg, const std::string& group,
                 const std::vector<ProducedMessage>& messages) {
  std::map<int32_t, int64_t> ends;
  for (const auto& m : messages) ends[m.partition] = std::max(ends[m.partition], m.offset + 1);
  try {
    auto conn = mysql::Connection::open(cfg);
    std::map<int32_t, int64_t> stored;
    for (const auto& r : conn.query(
             "SELECT partition_id, next_offset FROM etl_kafka_offset WHERE consumer_group = " +
             conn.quote(group))) {
      stored[std::stoi(*r[0])] = std::stoll(*r[1]);
    }
    return stored == ends;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace etl::stream_test
