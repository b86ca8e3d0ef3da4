#include "metrics/registry.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace etl::metrics {

namespace {

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<int64_t>(v));
  return fmt::format("{}", v);
}

std::string label_set(const std::vector<std::string>& names, const std::vector<std::string>& values,
                      const std::string& extra_name = {}, const std::string& extra_value = {}) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    out += out.empty() ? "{" : ",";
    out += fmt::format("{}=\"{}\"", names[i], escape_label_value(values[i]));
  }
  if (!extra_name.empty()) {
    out += out.empty() ? "{" : ",";
    out += fmt::format("{}=\"{}\"", extra_name, extra_value);
  }
  if (!out.empty()) out += "}";
  return out;
}

std::string_view type_name(MetricType t) {
  switch (t) {
    case MetricType::counter:
      return "counter";
    case MetricType::gauge:
      return "gauge";
    case MetricType::histogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

std::string escape_label_value(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (const char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  buckets_ = std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1);
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::observe(double v) noexcept {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
  buckets_[static_cast<size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  sum_.add(v);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.upper_bounds = bounds_;
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.sum = sum_.get();
  s.count = running;  // consistent with the buckets (count_ may be a moment ahead)
  return s;
}

Registry::Entry& Registry::add(const std::string& name, const std::string& help, MetricType type) {
  const std::lock_guard lock(mutex_);
  for (const auto& e : entries_) {
    if (e->name == name) throw std::logic_error("metric registered twice: " + name);
  }
  auto e = std::make_unique<Entry>();
  e->name = name;
  e->help = help;
  e->type = type;
  entries_.push_back(std::move(e));
  return *entries_.back();
}

Counter& Registry::add_counter(const std::string& name, const std::string& help) {
  Entry& e = add(name, help, MetricType::counter);
  e.counter = std::make_unique<Counter>();
  return *e.counter;
}

Gauge& Registry::add_gauge(const std::string& name, const std::string& help) {
  Entry& e = add(name, help, MetricType::gauge);
  e.gauge = std::make_unique<Gauge>();
  return *e.gauge;
}

Histogram& Registry::add_histogram(const std::string& name, const std::string& help,
                                   std::vector<double> buckets) {
  Entry& e = add(name, help, MetricType::histogram);
  e.histogram = std::make_unique<Histogram>(std::move(buckets));
  return *e.histogram;
}

Family<Counter>& Registry::add_counter_family(const std::string& name, const std::string& help,
                                              std::vector<std::string> label_names) {
  Entry& e = add(name, help, MetricType::counter);
  e.counter_family = std::make_unique<Family<Counter>>(std::move(label_names));
  return *e.counter_family;
}

Family<Gauge>& Registry::add_gauge_family(const std::string& name, const std::string& help,
                                          std::vector<std::string> label_names) {
  Entry& e = add(name, help, MetricType::gauge);
  e.gauge_family = std::make_unique<Family<Gauge>>(std::move(label_names));
  return *e.gauge_family;
}

std::string Registry::render() const {
  const std::lock_guard lock(mutex_);
  std::string out;
  out.reserve(8192);
  for (const auto& e : entries_) {
    out +=
        fmt::format("# HELP {} {}\n# TYPE {} {}\n", e->name, e->help, e->name, type_name(e->type));
    if (e->counter) {
      out += fmt::format("{} {}\n", e->name, e->counter->value());
    } else if (e->gauge) {
      out += fmt::format("{} {}\n", e->name, format_value(e->gauge->value()));
    } else if (e->histogram) {
      const auto s = e->histogram->snapshot();
      for (size_t i = 0; i < s.upper_bounds.size(); ++i) {
        out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", e->name, format_value(s.upper_bounds[i]),
                           s.cumulative[i]);
      }
      out += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n", e->name, s.cumulative.back());
      out +=
          fmt::format("{}_sum {}\n{}_count {}\n", e->name, format_value(s.sum), e->name, s.count);
    } else if (e->counter_family) {
      const auto& names = e->counter_family->label_names();
      e->counter_family->for_each([&](const std::vector<std::string>& labels, const Counter& c) {
        out += fmt::format("{}{} {}\n", e->name, label_set(names, labels), c.value());
      });
    } else if (e->gauge_family) {
      const auto& names = e->gauge_family->label_names();
      e->gauge_family->for_each([&](const std::vector<std::string>& labels, const Gauge& g) {
        out += fmt::format("{}{} {}\n", e->name, label_set(names, labels), format_value(g.value()));
      });
    }
  }
  return out;
}

}  // namespace etl::metrics
