#include "pipeline/fetch/account_summary.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace etl::pipeline {

bool AccountsRun::complete() const noexcept {
  return std::all_of(accounts.begin(), accounts.end(),
                     [](const AccountOutcome& a) { return a.complete(); });
}

std::vector<std::string> AccountsRun::incomplete() const {
  std::vector<std::string> out;
  for (const auto& a : accounts) {
    if (!a.complete()) out.push_back(a.account);
  }
  return out;
}

uint64_t AccountsRun::orders() const noexcept {
  uint64_t n = 0;
  for (const auto& a : accounts) n += a.result ? a.result->orders() : 0;
  return n;
}

int AccountsRun::exit_code() const noexcept { return complete() ? 0 : 1; }

std::string AccountsRun::describe() const {
  std::string out;
  for (const auto& a : accounts) {
    out += fmt::format("=== account {} ===\n", a.account);
    if (a.error) {
      out +=
          fmt::format("account '{}' FAILED before fetching any window: {}\n", a.account, *a.error);
    } else if (a.result) {
      out += a.result->describe();
    }
  }
  out += fmt::format("accounts: {} fetched in {:.1f} s, {} orders ({:.0f} orders/s)\n",
                     accounts.size(), elapsed_s, orders(),
                     elapsed_s > 0 ? static_cast<double>(orders()) / elapsed_s : 0.0);
  for (const auto& a : accounts) {
    std::string state = "complete";
    if (a.error) {
      state = "FAILED";
    } else if (!a.complete()) {
      state = "INCOMPLETE";
    }
    out += fmt::format("  {:<24} {:<10} orders {:>9}  {:.1f} s\n", a.account, state,
                       a.result ? a.result->orders() : 0, a.result ? a.result->elapsed_s : 0.0);
  }
  const auto missing = incomplete();
  if (missing.empty()) {
    out += fmt::format("result: OK - all {} account(s) complete\n", accounts.size());
  } else {
    std::string names;
    for (const auto& n : missing) names += (names.empty() ? "" : ", ") + n;
    out += fmt::format("result: INCOMPLETE - {} of {} account(s) incomplete: {}\n", missing.size(),
                       accounts.size(), names);
  }
  return out;
}

}  // namespace etl::pipeline
