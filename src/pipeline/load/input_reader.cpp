#include "pipeline/load/input_reader.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <simdjson.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/error.hpp"

namespace etl::pipeline {

InputReader::InputReader(const std::string& path, size_t initial_window_bytes)
    : path_(path), initial_capacity_(std::max<size_t>(initial_window_bytes, 1)) {
  if (path == "-") {
    fd_ = STDIN_FILENO;
  } else {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      const int err = errno;
      throw EtlError(ErrorClass::fatal, ErrorOrigin::io, err,
                     fmt::format("load: cannot read input file {}: {}", path, std::strerror(err)));
    }
    owns_fd_ = true;
  }
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) {
    // Offsets count from where reading starts: stdin may be a file already partly read.
    const off_t at = std::clamp<off_t>(::lseek(fd_, 0, SEEK_CUR), 0, st.st_size);
    size_ = static_cast<size_t>(st.st_size - at);
    // Read once, front to back: let the kernel read ahead.
    (void)::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  }
  resize(initial_capacity_);
}

InputReader::~InputReader() {
  if (owns_fd_ && ::close(fd_) != 0) {
    spdlog::debug("load: closing {}: {}", path_, std::strerror(errno));
  }
}

std::string InputReader::describe() const { return path_ == "-" ? "stdin" : "input file " + path_; }

void InputReader::resize(size_t capacity) {
  auto buffer = std::make_unique_for_overwrite<char[]>(capacity + simdjson::SIMDJSON_PADDING);
  if (length_ != 0) std::memcpy(buffer.get(), buffer_.get(), length_);
  std::memset(buffer.get() + length_, 0, simdjson::SIMDJSON_PADDING);
  buffer_ = std::move(buffer);
  capacity_ = capacity;
}

bool InputReader::advance(size_t keep_from) {
  const size_t drop = std::clamp(keep_from, offset_, offset_ + length_) - offset_;
  if (drop != 0) {
    std::memmove(buffer_.get(), buffer_.get() + drop, length_ - drop);
    length_ -= drop;
    offset_ += drop;
  }
  const size_t kept = length_;
  // Room for at least as many new bytes as are kept; give memory back after a large record.
  if (kept > capacity_ / 2) {
    resize(std::max(capacity_ * 2, kept * 2));
  } else if (capacity_ > initial_capacity_ && kept < capacity_ / 8) {
    resize(std::max(initial_capacity_, kept * 2));
  }
  size_t appended = 0;
  while (!at_end_ && length_ < capacity_ && (appended == 0 || appended < kept)) {
    size_t want = capacity_ - length_;
    if (size_) {
      const size_t remaining = *size_ - (offset_ + length_);
      if (remaining == 0) {
        at_end_ = true;
        break;
      }
      want = std::min(want, remaining);
    }
    const ssize_t n = ::read(fd_, buffer_.get() + length_, want);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      throw EtlError(ErrorClass::fatal, ErrorOrigin::io, err,
                     fmt::format("load: error reading {} at byte {}: {}", describe(),
                                 offset_ + length_, std::strerror(err)));
    }
    if (n == 0) {
      if (size_) {
        throw EtlError(
            ErrorClass::fatal, ErrorOrigin::io, 0,
            fmt::format("load: {} shrank while being read: {} bytes when opened, only {} now",
                        describe(), *size_, offset_ + length_));
      }
      at_end_ = true;
      break;
    }
    length_ += static_cast<size_t>(n);
    appended += static_cast<size_t>(n);
  }
  std::memset(buffer_.get() + length_, 0, simdjson::SIMDJSON_PADDING);
  return appended != 0;
}

}  // namespace etl::pipeline
