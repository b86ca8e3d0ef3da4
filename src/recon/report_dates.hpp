#pragma once
// The date texts of the reconciliation report and its API, read into ISO text for MySQL.
//
// In the CSV, dates are US month/day/year ("12/04/2026"; a file that went through a spreadsheet
// also has "4/29/2026"), and the ISO form "2026-12-04" is accepted too. "Transaction Posted
// Timestamp" carries a day only in every file seen; a time after the day (" 13:05" or
// "T13:05:09") is accepted and kept. The API names a report by its date as 8 digits: the list of
// available files gives MMDDYYYY ("12122026"), while an example in Walmart's guide passes
// YYYYMMDD ("20201105"). Both are read; the two cannot be confused because a month is at most 12
// and a year here at least 1970.

#include <optional>
#include <string>
#include <string_view>

namespace etl::recon {

// "M/D/YYYY", "MM/DD/YYYY" or "YYYY-MM-DD" -> "YYYY-MM-DD"; nullopt for anything else or a day
// that does not exist (02/30/2026).
std::optional<std::string> parse_report_day(std::string_view text);

// A day as above, optionally followed by ' ' or 'T' and "H:MM" or "H:MM:SS" -> "YYYY-MM-DD
// HH:MM:SS" (midnight when no time is given).
std::optional<std::string> parse_report_timestamp(std::string_view text);

// A report date as the API or a person writes it: "MMDDYYYY", "YYYYMMDD", or a day as
// parse_report_day reads it -> "YYYY-MM-DD".
std::optional<std::string> parse_report_date(std::string_view text);

// "YYYY-MM-DD" -> "MMDDYYYY", the form the API lists and expects back.
std::string to_api_report_date(std::string_view iso_day);

}  // namespace etl::recon
