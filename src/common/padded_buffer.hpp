#pragma once
// A reusable copy of one input followed by `padding` zero bytes: what a parser that may read past
// the end of its input needs (simdjson: SIMDJSON_PADDING). It grows by at least half when a
// larger input comes and never shrinks, so a stream of similar records allocates a few times only.

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace etl {

class PaddedBuffer {
 public:
  explicit PaddedBuffer(size_t padding) : padding_(padding) {}

  void assign(std::string_view bytes) {
    const size_t need = bytes.size() + padding_;
    if (need > capacity_) {
      capacity_ = std::max(need, capacity_ + capacity_ / 2);
      data_ = std::make_unique_for_overwrite<char[]>(capacity_);
    }
    if (!bytes.empty()) std::memcpy(data_.get(), bytes.data(), bytes.size());
    std::memset(data_.get() + bytes.size(), 0, padding_);
    size_ = bytes.size();
  }

  [[nodiscard]] const char* data() const noexcept { return data_.get(); }
  [[nodiscard]] size_t size() const noexcept { return size_; }  // without the padding
  [[nodiscard]] size_t capacity() const noexcept { return capacity_; }

 private:
  size_t padding_;
  std::unique_ptr<char[]> data_;
  size_t capacity_ = 0;
  size_t size_ = 0;
};

}  // namespace etl
