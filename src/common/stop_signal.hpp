#pragma once
// Process-wide stop request set by SIGINT/SIGTERM. Long-running commands poll stop_requested()
// or wait on wait_for_stop() with a timeout; nothing else is done inside the signal handler.

#include <chrono>

namespace etl {

// Installs SIGINT/SIGTERM handlers (idempotent). A second signal while stopping exits at once
// (130).
void install_stop_signal_handlers();
bool stop_requested() noexcept;
// Also usable by tests and by code that wants to stop the process programmatically.
void request_stop() noexcept;
// Returns true if stop was requested within the timeout.
bool wait_for_stop(std::chrono::milliseconds timeout);

}  // namespace etl
