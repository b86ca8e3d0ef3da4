#pragma once
// One `load` input (a regular file, a FIFO, or stdin) read front to back into a window that the
// RecordSplitter (input_records.hpp) extends as it splits: the reader holds only the bytes from the
// record being split onwards, so memory stays bounded (kInitialWindowBytes, or about twice the
// largest record) whatever the input's size, and a pipe is split while it is still being written.
//
// A regular file is read up to the size it had when opened: bytes appended later are not read, and
// if it shrinks while being read, advance() throws a fatal I/O error rather than load a cut file.
// Owns the file descriptor (stdin is read, never closed).

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "pipeline/load/input_records.hpp"

namespace etl::pipeline {

inline constexpr size_t kInitialWindowBytes = size_t{4} << 20;

class InputReader final : public InputSource {
 public:
  // path: a regular file or a FIFO; "-" is stdin. Throws EtlError (fatal, io) if it cannot be
  // opened.
  explicit InputReader(const std::string& path, size_t initial_window_bytes = kInitialWindowBytes);
  ~InputReader() override;
  InputReader(const InputReader&) = delete;
  InputReader& operator=(const InputReader&) = delete;

  [[nodiscard]] std::string_view window() const noexcept override {
    return {buffer_.get(), length_};
  }
  [[nodiscard]] size_t window_offset() const noexcept override { return offset_; }
  // Reads at least as many bytes as it keeps (or to the end), so a record that spans many reads is
  // scanned a bounded number of times. Throws EtlError (fatal, io) on a read error.
  bool advance(size_t keep_from) override;

  // A regular file's size when opened (from the current position, for stdin redirected from a
  // file); nullopt for pipes and FIFOs.
  [[nodiscard]] std::optional<size_t> size() const noexcept { return size_; }
  // Bytes allocated for the window (without the padding).
  [[nodiscard]] size_t capacity() const noexcept { return capacity_; }

 private:
  void resize(size_t capacity);  // keeps the window's bytes
  [[nodiscard]] std::string describe() const;

  std::string path_;
  int fd_ = -1;
  bool owns_fd_ = false;
  std::optional<size_t> size_;
  size_t initial_capacity_;
  size_t capacity_ = 0;
  std::unique_ptr<char[]> buffer_;  // capacity_ + SIMDJSON_PADDING bytes; zeros after the window
  size_t offset_ = 0;               // input offset of buffer_[0]
  size_t length_ = 0;               // bytes of the window
  bool at_end_ = false;
};

}  // namespace etl::pipeline
