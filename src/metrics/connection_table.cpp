#include "metrics/connection_table.hpp"

namespace etl::metrics {

ConnectionTable::Admission ConnectionTable::admit(const std::string& address,
                                                  Clock::time_point now) {
  Admission a;
  if (count(address) >= limits_.max_per_address) {
    a.evicted = victim_of(address);
  } else if (connections_.size() >= limits_.max_connections) {
    // The address holding the most connections, the newcomer's own counted as if taken; among
    // equals, the one whose candidate has waited longest.
    const std::string* loser = nullptr;
    size_t loser_count = 0;
    std::optional<Clock::time_point> loser_since;
    for (const auto& [addr, n] : per_address_) {
      const size_t held = n + (addr == address ? 1 : 0);
      const auto candidate = victim_of(addr);
      if (!candidate) continue;
      const auto since = connections_.at(*candidate).since;
      if (loser == nullptr || held > loser_count || (held == loser_count && since < *loser_since)) {
        loser = &addr;
        loser_count = held;
        loser_since = since;
      }
    }
    if (loser != nullptr) a.evicted = victim_of(*loser);
  }
  if (a.evicted) remove(*a.evicted);
  a.id = next_id_++;
  connections_[a.id] = Entry{address, ConnectionPhase::fresh, now, now + limits_.request_timeout};
  ++per_address_[address];
  return a;
}

std::optional<ConnectionTable::Id> ConnectionTable::victim_of(const std::string& address) const {
  std::optional<Id> best;
  for (const auto& [id, e] : connections_) {
    if (e.address != address) continue;
    if (!best) {
      best = id;
      continue;
    }
    const Entry& b = connections_.at(*best);
    const bool e_answered = e.phase == ConnectionPhase::writing;
    const bool b_answered = b.phase == ConnectionPhase::writing;
    if (e_answered != b_answered) {
      if (b_answered) best = id;
    } else if (e.since < b.since) {
      best = id;
    }
  }
  return best;
}

void ConnectionTable::request_bytes(Id id, Clock::time_point now) {
  const auto it = connections_.find(id);
  if (it == connections_.end() || it->second.phase != ConnectionPhase::idle) return;
  it->second.phase = ConnectionPhase::reading;
  it->second.since = now;
  it->second.deadline = now + limits_.request_timeout;
}

void ConnectionTable::response_started(Id id, Clock::time_point now) {
  const auto it = connections_.find(id);
  if (it == connections_.end()) return;
  it->second.phase = ConnectionPhase::writing;
  it->second.since = now;
  it->second.deadline = now + limits_.write_timeout;
}

void ConnectionTable::response_done(Id id, Clock::time_point now) {
  const auto it = connections_.find(id);
  if (it == connections_.end()) return;
  it->second.phase = ConnectionPhase::idle;
  it->second.since = now;
  it->second.deadline = now + limits_.keep_alive_timeout;
}

void ConnectionTable::remove(Id id) {
  const auto it = connections_.find(id);
  if (it == connections_.end()) return;
  const auto a = per_address_.find(it->second.address);
  if (a != per_address_.end() && --a->second == 0) per_address_.erase(a);
  connections_.erase(it);
}

std::vector<ConnectionTable::Id> ConnectionTable::expired(Clock::time_point now) const {
  std::vector<Id> out;
  for (const auto& [id, e] : connections_) {
    if (e.deadline <= now) out.push_back(id);
  }
  return out;
}

std::optional<ConnectionTable::Clock::time_point> ConnectionTable::next_deadline() const {
  std::optional<Clock::time_point> next;
  for (const auto& [id, e] : connections_) {
    if (!next || e.deadline < *next) next = e.deadline;
  }
  return next;
}

size_t ConnectionTable::count(const std::string& address) const {
  const auto it = per_address_.find(address);
  return it == per_address_.end() ? 0 : it->second;
}

std::optional<ConnectionPhase> ConnectionTable::phase(Id id) const {
  const auto it = connections_.find(id);
  if (it == connections_.end()) return std::nullopt;
  return it->second.phase;
}

}  // namespace etl::metrics
