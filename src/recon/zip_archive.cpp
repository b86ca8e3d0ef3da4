#include "recon/zip_archive.hpp"

#include <fmt/format.h>
#include <zip.h>

#include <memory>
#include <vector>

#include "common/error.hpp"

namespace etl::recon {

namespace {

struct ZipDiscard {
  void operator()(zip_t* z) const noexcept { zip_discard(z); }
};
struct ZipFileClose {
  void operator()(zip_file_t* f) const noexcept { zip_fclose(f); }
};
struct ZipSourceFree {
  void operator()(zip_source_t* s) const noexcept { zip_source_free(s); }
};
using ZipHandle = std::unique_ptr<zip_t, ZipDiscard>;
using ZipFileHandle = std::unique_ptr<zip_file_t, ZipFileClose>;
using ZipSourceHandle = std::unique_ptr<zip_source_t, ZipSourceFree>;

// zip_error_t needs zip_error_fini; its message is copied out before that.
class ZipError {
 public:
  ZipError() { zip_error_init(&e_); }
  ~ZipError() { zip_error_fini(&e_); }
  ZipError(const ZipError&) = delete;
  ZipError& operator=(const ZipError&) = delete;
  ZipError(ZipError&&) = delete;
  ZipError& operator=(ZipError&&) = delete;
  zip_error_t* get() { return &e_; }
  std::string text() { return zip_error_strerror(&e_); }

 private:
  zip_error_t e_{};
};

bool ends_with_csv(std::string_view name) {
  if (name.size() < 4) return false;
  const std::string_view tail = name.substr(name.size() - 4);
  return tail[0] == '.' && (tail[1] | 0x20) == 'c' && (tail[2] | 0x20) == 's' &&
         (tail[3] | 0x20) == 'v';
}

UnzippedReport failed(std::string why) {
  UnzippedReport r;
  r.error = std::move(why);
  return r;
}

}  // namespace

bool looks_like_zip(std::string_view bytes) noexcept {
  return bytes.size() >= 4 && bytes.substr(0, 2) == "PK" &&
         ((bytes[2] == '\3' && bytes[3] == '\4') || (bytes[2] == '\5' && bytes[3] == '\6'));
}

UnzippedReport unzip_report(std::string_view zip_bytes, uint64_t max_bytes) {
  ZipError err;
  // The source only borrows the bytes (freep = 0); they outlive every use below.
  ZipSourceHandle source(
      zip_source_buffer_create(zip_bytes.data(), zip_bytes.size(), 0, err.get()));
  if (!source) return failed("cannot read the zip: " + err.text());
  ZipHandle archive(zip_open_from_source(source.get(), ZIP_RDONLY | ZIP_CHECKCONS, err.get()));
  if (!archive) return failed("not a readable zip file: " + err.text());
  (void)source.release();  // the archive owns the source now

  const zip_int64_t entries = zip_get_num_entries(archive.get(), 0);
  std::vector<zip_uint64_t> candidates;
  for (zip_int64_t i = 0; i < entries; ++i) {
    const char* name = zip_get_name(archive.get(), static_cast<zip_uint64_t>(i), 0);
    if (entries == 1 || (name != nullptr && ends_with_csv(name))) {
      candidates.push_back(static_cast<zip_uint64_t>(i));
    }
  }
  if (candidates.size() != 1) {
    return failed(fmt::format("the zip holds {} entries and {} CSV files: expected one report",
                              entries, candidates.size()));
  }
  const zip_uint64_t index = candidates.front();
  UnzippedReport out;
  const char* name = zip_get_name(archive.get(), index, 0);
  out.entry_name = name != nullptr ? name : "";
  ZipFileHandle file(zip_fopen_index(archive.get(), index, 0));
  if (!file) {
    return failed(
        fmt::format("cannot open {} in the zip: {}", out.entry_name, zip_strerror(archive.get())));
  }
  std::vector<char> buffer(size_t{1} << 16);
  for (;;) {
    const zip_int64_t n = zip_fread(file.get(), buffer.data(), buffer.size());
    if (n < 0) {
      return failed(fmt::format("cannot read {} from the zip: {}", out.entry_name,
                                zip_file_strerror(file.get())));
    }
    if (n == 0) break;
    if (out.bytes.size() + static_cast<uint64_t>(n) > max_bytes) {
      UnzippedReport r =
          failed(fmt::format("{} inflates to more than {} bytes", out.entry_name, max_bytes));
      r.too_large = true;
      return r;
    }
    out.bytes.append(buffer.data(), static_cast<size_t>(n));
  }
  return out;
}

std::string make_report_zip(std::string_view entry_name, std::string_view content) {
  ZipError err;
  // An empty, growable in-memory buffer the archive is written to.
  ZipSourceHandle target(zip_source_buffer_create(nullptr, 0, 0, err.get()));
  if (!target) {
    throw EtlError(ErrorClass::fatal, ErrorOrigin::internal, 0, "zip: " + err.text());
  }
  zip_source_keep(target.get());  // still ours after the archive is closed
  ZipHandle archive(zip_open_from_source(target.get(), ZIP_TRUNCATE, err.get()));
  if (!archive) {
    throw EtlError(ErrorClass::fatal, ErrorOrigin::internal, 0, "zip: " + err.text());
  }
  zip_source_t* entry = zip_source_buffer(archive.get(), content.data(), content.size(), 0);
  if (entry == nullptr ||
      zip_file_add(archive.get(), std::string(entry_name).c_str(), entry, ZIP_FL_ENC_UTF_8) < 0) {
    if (entry != nullptr) zip_source_free(entry);
    throw EtlError(ErrorClass::fatal, ErrorOrigin::internal, 0,
                   std::string("zip: ") + zip_strerror(archive.get()));
  }
  // zip_close writes the archive into the target source and frees the archive.
  if (zip_close(archive.get()) != 0) {
    throw EtlError(ErrorClass::fatal, ErrorOrigin::internal, 0,
                   std::string("zip: ") + zip_strerror(archive.get()));
  }
  (void)archive.release();
  zip_stat_t st;
  if (zip_source_open(target.get()) != 0 || zip_source_stat(target.get(), &st) != 0) {
    throw EtlError(ErrorClass::fatal, ErrorOrigin::internal, 0, "zip: cannot read the archive");
  }
  std::string out(static_cast<size_t>(st.size), '\0');
  const zip_int64_t n = zip_source_read(target.get(), out.data(), st.size);
  zip_source_close(target.get());
  if (n < 0 || static_cast<zip_uint64_t>(n) != st.size) {
    throw EtlError(ErrorClass::fatal, ErrorOrigin::internal, 0, "zip: cannot read the archive");
  }
  return out;
}

}  // namespace etl::recon
