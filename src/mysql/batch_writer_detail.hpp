#pragma once
// What the batch writer's source files share (batch_writer.cpp: connection, retries and the split
// into new and known ids; batch_attempt.cpp: one transaction; order_writes.cpp: the order
// statements; dead_letter_writes.cpp: the dead letters). Not part of the writer's interface.

#include <mysqld_error.h>

#include <cstddef>
#include <cstdint>

#include "common/error.hpp"

namespace etl::mysql::batch_writer_detail {

// Room left in a packet for everything that is not the record itself (SQL, other columns).
constexpr size_t kPacketReserve = 64u << 10;

// Thrown inside an attempt when an id read as new turns out to be stored by another writer (the
// plain INSERT's duplicate key, or with the archive off the locked count of its lines). Not an
// EtlError: no handler of errors may take it for one; write() rolls back and writes the batch the
// upsert way.
struct NewIdTaken {
  int64_t purchase_order_id = 0;
};

inline bool is_duplicate_key(const EtlError& e) noexcept {
  return e.error().code == ER_DUP_ENTRY || e.error().code == ER_DUP_ENTRY_WITH_KEY_NAME;
}

}  // namespace etl::mysql::batch_writer_detail
