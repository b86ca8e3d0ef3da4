// BatchWriter::write_dead_letters: the dead-letter rows of a batch, cut to fit their columns.
#include <fmt/format.h>

#include <deque>
#include <string>

#include "common/sha256.hpp"
#include "mysql/batch_writer.hpp"
#include "mysql/batch_writer_detail.hpp"
#include "mysql/utf8_text.hpp"

namespace etl::mysql {

using batch_writer_detail::kPacketReserve;

void BatchWriter::write_dead_letters(const std::vector<const DeadLetter*>& letters) {
  if (letters.empty()) return;
  // Cut to the columns' sizes so a dead letter itself can never be refused.
  const size_t payload_room =
      max_packet_ > 2 * kPacketReserve ? max_packet_ - 2 * kPacketReserve : max_packet_ / 2;
  std::deque<std::string> texts;  // repaired / composed text, alive until the statement ran
  auto valid = [&texts](std::string_view s) -> std::string_view {
    return is_valid_utf8(s) ? s : std::string_view(texts.emplace_back(to_valid_utf8(s)));
  };
  ParamTable& p = dead_letter_params_;
  p.clear();
  for (const DeadLetter* d : letters) {
    p.add_row();
    p.set_text(0, cut_to_code_points(valid(d->origin.source), 255));
    p.set_int32(1, d->origin.record_index);
    if (d->origin.topic) p.set_text(2, cut_to_code_points(valid(*d->origin.topic), 249));
    p.set_int32(3, d->origin.partition);
    p.set_int64(4, d->origin.offset);
    if (d->origin.key) p.set_text(5, std::string_view(*d->origin.key).substr(0, 1024));
    p.set_int64(6, d->purchase_order_id);
    std::string_view message = valid(d->message);
    if (d->payload.size() > payload_room) {
      message = texts.emplace_back(
          fmt::format("{} [payload cut from {} to {} bytes to fit max_allowed_packet]", message,
                      d->payload.size(), payload_room));
    }
    const std::string_view stored_payload = std::string_view(d->payload).substr(0, payload_room);
    p.set_text(7, stored_payload);
    p.set_text(8, cut_to_code_points(valid(d->error_class), 32));
    p.set_int32(9, d->error_code);
    p.set_text(10, cut_to_bytes(message, 65535));
    p.set_text(11, texts.emplace_back(sha256_hex(
                       d->one_per_source ? std::string_view(d->origin.source) : stored_payload)));
    if (d->origin.account) p.set_text(12, cut_to_code_points(valid(*d->origin.account), 100));
  }
  try {
    upsert_dead_letters_.execute(*conn_, active_path_, p, 0, p.rows(), statement_bytes_);
  } catch (const EtlError& e) {
    if (e.error().cls != ErrorClass::bad_record) throw;
    throw EtlError(
        ErrorClass::fatal, ErrorOrigin::mysql, e.error().code,
        fmt::format("cannot record dead letters (is walmart_order_dead_letter as in sql/?): {}",
                    e.error().message));
  }
}

}  // namespace etl::mysql
