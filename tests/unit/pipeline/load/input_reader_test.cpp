// InputReader: `load` inputs (files, FIFOs, stdin) read as they are split, in bounded memory.
// Real files and pipes in a temp dir; each case checks the records against splitting the whole
// content at once.
#include "pipeline/load/input_reader.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "common/error.hpp"
#include "pipeline/load/input_records.hpp"
#include "support/load/split_check.hpp"
#include "support/test_env.hpp"

using etl::EtlError;
using etl::pipeline::InputLayout;
using etl::pipeline::InputReader;
using etl::pipeline::InputRecord;
using etl::pipeline::RecordSplitter;

namespace {

constexpr size_t kPage = 4096;

using Records = etl::pipeline::test::SplitRecords;
Records drain(RecordSplitter& s) { return etl::pipeline::test::drain_records(s); }

Records split_whole(const std::string& text) {
  const simdjson::padded_string content(text);
  RecordSplitter s(std::string_view(content.data(), content.size()));
  return drain(s);
}

class InputReaderTest : public ::testing::Test {
 protected:
  InputReaderTest() : dir_(etl::test::make_temp_dir("etl-input-reader")) {}
  ~InputReaderTest() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::string dir_;
};

// NDJSON orders, padded with blanks to exactly `size` bytes.
std::string ndjson_of_size(size_t size) {
  std::string text;
  for (int i = 0; text.size() + 64 < size; ++i) {
    text += "{\"purchaseOrderId\":\"" + std::to_string(i) + "\",\"x\":\"" +
            std::string(i % 50, 'y') + "\"}\n";
  }
  text += std::string(size - text.size() - 1, ' ') + "\n";
  return text;
}

// A JSON array of orders, exactly `size` bytes.
std::string array_of_size(size_t size) {
  std::string text = "[";
  for (int i = 0; text.size() + 64 < size; ++i) {
    text += "{\"purchaseOrderId\":\"" + std::to_string(i) + "\"},\n";
  }
  text += "{}" + std::string(size - text.size() - 3, ' ') + "]";
  return text;
}

TEST_F(InputReaderTest, AnEmptyFileHasNoRecords) {
  InputReader reader(write("empty.json", ""), kPage);
  EXPECT_EQ(reader.size(), 0u);
  RecordSplitter s(reader);
  EXPECT_EQ(s.layout(), InputLayout::empty);
  InputRecord r;
  EXPECT_FALSE(s.next(r));
  EXPECT_FALSE(reader.advance(0));
}

TEST_F(InputReaderTest, FilesEndingExactlyAtAPageOrWindowEdgeSplitLikeTheWholeContent) {
  // Window = one page: sizes at, just under and just over its edge and its multiples.
  for (size_t size : {kPage - 1, kPage, kPage + 1, 3 * kPage, 16 * kPage}) {
    for (const std::string& text : {ndjson_of_size(size), array_of_size(size)}) {
      ASSERT_EQ(text.size(), size);
      InputReader reader(write("edge.json", text), kPage);
      EXPECT_EQ(reader.size(), size);
      RecordSplitter s(reader);
      const Records got = drain(s);
      EXPECT_EQ(got, split_whole(text)) << size << " bytes starting " << text.substr(0, 1);
      EXPECT_GT(got.bytes.size(), 10u);
      EXPECT_EQ(s.position(), size);
    }
  }
}

TEST_F(InputReaderTest, ThePaddingAfterTheWindowIsReadableZeros) {
  // simdjson reads up to SIMDJSON_PADDING bytes past a value at the end of the window.
  const std::string text(3 * kPage, 'x');
  InputReader reader(write("xs.json", text), kPage);
  size_t offset = 0;
  do {
    const std::string_view w = reader.window();
    EXPECT_EQ(reader.window_offset(), offset);
    EXPECT_EQ(w, std::string_view(text).substr(offset, w.size()));
    for (size_t i = 0; i < simdjson::SIMDJSON_PADDING; ++i)
      ASSERT_EQ(w.data()[w.size() + i], '\0') << i;
    offset += w.size();
  } while (reader.advance(offset));
  EXPECT_EQ(offset, text.size());
}

TEST_F(InputReaderTest, MemoryStaysAtTheInitialWindowWhateverTheFileSize) {
  // 8 MB of small records through a 64 KiB window: the window never grows.
  for (const std::string& text : {ndjson_of_size(8 << 20), array_of_size(8 << 20)}) {
    InputReader reader(write("big.json", text), 64 << 10);
    RecordSplitter s(reader);
    size_t records = 0;
    InputRecord r;
    while (s.next(r)) {
      ++records;
      ASSERT_EQ(reader.capacity(), size_t{64} << 10) << "after record " << records;
    }
    EXPECT_EQ(records, split_whole(text).bytes.size());
    EXPECT_EQ(s.position(), text.size());
  }
}

TEST_F(InputReaderTest, ARecordLargerThanTheWindowGrowsItThenItShrinksBack) {
  std::string text = "{\"purchaseOrderId\":\"1\",\"big\":\"" + std::string(200000, 'b') + "\"}\n";
  for (int i = 0; i < 2000; ++i) text += "{\"purchaseOrderId\":\"" + std::to_string(i) + "\"}\n";
  InputReader reader(write("one-big.json", text), kPage);
  RecordSplitter s(reader);
  Records got;
  size_t largest = 0;
  InputRecord r;
  while (s.next(r)) {
    got.bytes.emplace_back(r.bytes);
    got.lines.push_back(r.line);
    got.offsets.push_back(r.offset);
    got.problems.push_back(r.problem.value_or(""));
    largest = std::max(largest, reader.capacity());
  }
  got.layout = s.layout();
  got.pages = s.api_pages();
  EXPECT_EQ(got, split_whole(text));
  EXPECT_GE(largest, 200000u);
  EXPECT_LE(largest, 1u << 20) << "grown far more than the record needs";
  EXPECT_LE(reader.capacity(), 8 * kPage) << "not given back after the large record";
}

TEST_F(InputReaderTest, AFileThatShrinksWhileBeingReadIsAClearIoError) {
  const std::string path = write("shrinks.json", ndjson_of_size(64 * kPage));
  InputReader reader(path, kPage);
  RecordSplitter s(reader);
  ASSERT_EQ(::truncate(path.c_str(), 8 * kPage), 0);
  try {
    Records got = drain(s);
    FAIL() << "no error after " << got.bytes.size() << " records";
  } catch (const EtlError& e) {
    EXPECT_EQ(e.error().cls, etl::ErrorClass::fatal);
    EXPECT_EQ(e.error().origin, etl::ErrorOrigin::io);
    EXPECT_NE(std::string(e.what()).find("shrank while being read"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST_F(InputReaderTest, BytesAppendedAfterOpeningAreNotRead) {
  const std::string path = write("grows.json", "{\"a\":1}\n{\"a\":2}\n");
  InputReader reader(path, kPage);
  std::ofstream(path, std::ios::app) << "{\"a\":3}\n";
  RecordSplitter s(reader);
  EXPECT_EQ(drain(s).bytes, (std::vector<std::string>{"{\"a\":1}", "{\"a\":2}"}));
}

TEST_F(InputReaderTest, AMissingFileIsAClearIoError) {
  try {
    InputReader reader(dir_ + "/missing.json");
    FAIL();
  } catch (const EtlError& e) {
    EXPECT_EQ(e.error().origin, etl::ErrorOrigin::io);
    EXPECT_NE(std::string(e.what()).find("missing.json"), std::string::npos) << e.what();
  }
}

TEST_F(InputReaderTest, AFifoIsSplitWhileItIsStillBeingWritten) {
  // The writer sends two lines, then waits until the first record came out before it sends the
  // last one and closes: a reader that waited for the end of the input would never get it.
  const std::string path = dir_ + "/orders.fifo";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  std::mutex m;
  std::condition_variable cv;
  bool first_record = false;
  bool seen_before_close = false;
  std::thread writer([&] {
    const int fd = ::open(path.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    const std::string head = "{\"a\":1}\n{\"a\":2}\n";
    EXPECT_EQ(::write(fd, head.data(), head.size()), static_cast<ssize_t>(head.size()));
    {
      std::unique_lock lock(m);
      seen_before_close = cv.wait_for(lock, std::chrono::seconds(20), [&] { return first_record; });
    }
    const std::string last = "{\"a\":3}\n";
    EXPECT_EQ(::write(fd, last.data(), last.size()), static_cast<ssize_t>(last.size()));
    ::close(fd);
  });
  std::vector<std::string> got;
  {
    InputReader reader(path, kPage);
    EXPECT_FALSE(reader.size().has_value());
    RecordSplitter s(reader);
    EXPECT_EQ(s.layout(), InputLayout::ndjson);
    InputRecord r;
    while (s.next(r)) {
      got.emplace_back(r.bytes);
      const std::lock_guard lock(m);
      first_record = true;
      cv.notify_all();
    }
  }
  writer.join();
  EXPECT_TRUE(seen_before_close) << "the first record came only after the writer closed the FIFO";
  EXPECT_EQ(got, (std::vector<std::string>{"{\"a\":1}", "{\"a\":2}", "{\"a\":3}"}));
}

// Points fd 0 at another file descriptor for the test's scope.
class StdinFrom {
 public:
  explicit StdinFrom(int fd) : saved_(::dup(STDIN_FILENO)) { ::dup2(fd, STDIN_FILENO); }
  ~StdinFrom() {
    ::dup2(saved_, STDIN_FILENO);
    ::close(saved_);
  }
  StdinFrom(const StdinFrom&) = delete;
  StdinFrom& operator=(const StdinFrom&) = delete;

 private:
  int saved_;
};

TEST_F(InputReaderTest, DashReadsStdinFromAPipeOrFromWhereAFileWasLeft) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const std::string text = "[{\"a\":1},\n{\"a\":2}]\n";
  ASSERT_EQ(::write(fds[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ::close(fds[1]);
  {
    const StdinFrom in(fds[0]);
    InputReader reader("-", kPage);
    EXPECT_FALSE(reader.size().has_value());
    RecordSplitter s(reader);
    EXPECT_EQ(drain(s), split_whole(text));
  }
  ::close(fds[0]);

  // `(head -c 8 >/dev/null; walmart-etl load -) < file`: offsets count from where reading starts.
  const std::string path = write("stdin.ndjson", "garbage\n{\"a\":1}\n{\"a\":2}\n");
  const int fd = ::open(path.c_str(), O_RDONLY);
  ASSERT_EQ(::lseek(fd, 8, SEEK_SET), 8);
  {
    const StdinFrom in(fd);
    InputReader reader("-", kPage);
    EXPECT_EQ(reader.size(), 16u);
    RecordSplitter s(reader);
    EXPECT_EQ(drain(s), split_whole("{\"a\":1}\n{\"a\":2}\n"));
  }
  ::close(fd);
}

}  // namespace
