#pragma once
// The outcome of a fetch over several accounts: one block per account (its own summary, or why
// it stopped before any window), then one line per account and the verdict. Pure: the runner
// (fetch_command.hpp) fills the outcomes; the CLI prints describe() and exits with exit_code().

#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "pipeline/fetch/fetch_result.hpp"

namespace etl::pipeline {

struct AccountOutcome {
  std::string account;
  std::optional<FetchResult> result;  // the account's run, when it got as far as its windows
  std::optional<std::string> error;   // else what stopped it (refused credentials, API down, ...)
  std::optional<Error> failure{};     // and its class and cause, when it was a classified error

  [[nodiscard]] bool complete() const noexcept { return !error && result && result->complete(); }
};

struct AccountsRun {
  std::vector<AccountOutcome> accounts;  // in the order they were asked for
  double elapsed_s = 0;                  // wall time of the whole run

  [[nodiscard]] bool complete() const noexcept;
  // The accounts that did not complete, in order.
  [[nodiscard]] std::vector<std::string> incomplete() const;
  [[nodiscard]] uint64_t orders() const noexcept;
  // 0 when every account completed (or none was asked for), else 1.
  [[nodiscard]] int exit_code() const noexcept;
  // "=== account NAME ===" blocks, then "accounts:" lines and "result: OK|INCOMPLETE - ...".
  [[nodiscard]] std::string describe() const;
};

}  // namespace etl::pipeline
