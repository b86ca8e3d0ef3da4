#pragma once
// A small Prometheus metrics registry (text exposition format 0.0.4): counters, gauges and
// histograms, each either plain or a family keyed by label values. Thread-safe: the hot path
// (inc/observe on an existing series) is lock-free for plain metrics; labelled series take the
// family's mutex only to find or create the series.
//
// Ownership: the Registry owns every metric; references returned by add_* stay valid for the
// Registry's lifetime. Metrics are registered once, at setup, before any thread renders.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace etl::metrics {

// A double that can be added to atomically (C++20 has fetch_add for atomic<double> but
// libstdc++ 12 implements it with a CAS loop too; spelled out for clarity).
class AtomicDouble {
 public:
  void add(double v) noexcept {
    double cur = value_.load(std::memory_order_relaxed);
    while (!value_.compare_exchange_weak(cur, cur + v, std::memory_order_relaxed)) {
    }
  }
  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  [[nodiscard]] double get() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Counter {
 public:
  void inc(uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  [[nodiscard]] uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void set(double v) noexcept { value_.set(v); }
  void add(double v) noexcept { value_.add(v); }
  [[nodiscard]] double value() const noexcept { return value_.get(); }

 private:
  AtomicDouble value_;
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double v) noexcept;

  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<uint64_t> cumulative;  // per bound, then +Inf last
    double sum = 0;
    uint64_t count = 0;
  };
  [[nodiscard]] Snapshot snapshot() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1 (+Inf)
  AtomicDouble sum_;
  std::atomic<uint64_t> count_{0};
};

enum class MetricType { counter, gauge, histogram };

// A metric name with its help text, label names and series (one per label-value tuple).
template <typename T>
class Family {
 public:
  Family(std::vector<std::string> label_names, std::vector<double> buckets = {})
      : label_names_(std::move(label_names)), buckets_(std::move(buckets)) {}

  // The series for these label values (in label_names order), created on first use.
  T& with(const std::vector<std::string>& label_values) {
    const std::lock_guard lock(mutex_);
    auto it = series_.find(label_values);
    if (it == series_.end()) it = series_.emplace(label_values, make()).first;
    return *it->second;
  }
  // Removes a series (e.g. the lag gauge of a partition no longer assigned).
  void remove(const std::vector<std::string>& label_values) {
    const std::lock_guard lock(mutex_);
    series_.erase(label_values);
  }
  template <typename Fn>
  void for_each(Fn&& fn) const {
    const std::lock_guard lock(mutex_);
    for (const auto& [labels, metric] : series_) fn(labels, *metric);
  }
  [[nodiscard]] const std::vector<std::string>& label_names() const noexcept {
    return label_names_;
  }

 private:
  std::unique_ptr<T> make() const {
    if constexpr (std::is_same_v<T, Histogram>) {
      return std::make_unique<Histogram>(buckets_);
    } else {
      return std::make_unique<T>();
    }
  }

  std::vector<std::string> label_names_;
  std::vector<double> buckets_;
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<T>> series_;
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Counter& add_counter(const std::string& name, const std::string& help);
  Gauge& add_gauge(const std::string& name, const std::string& help);
  Histogram& add_histogram(const std::string& name, const std::string& help,
                           std::vector<double> buckets);
  Family<Counter>& add_counter_family(const std::string& name, const std::string& help,
                                      std::vector<std::string> label_names);
  Family<Gauge>& add_gauge_family(const std::string& name, const std::string& help,
                                  std::vector<std::string> label_names);

  // Prometheus text exposition format, version 0.0.4.
  [[nodiscard]] std::string render() const;

 private:
  struct Entry {
    std::string name;
    std::string help;
    MetricType type = MetricType::counter;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
    std::unique_ptr<Family<Counter>> counter_family;
    std::unique_ptr<Family<Gauge>> gauge_family;
  };
  Entry& add(const std::string& name, const std::string& help, MetricType type);

  mutable std::mutex mutex_;  // guards entries_ (registration vs render)
  std::vector<std::unique_ptr<Entry>> entries_;
};

// Label value escaping of the text format: backslash, double quote and newline.
std::string escape_label_value(const std::string& v);

}  // namespace etl::metrics
