#pragma once
// The real walmart-etl binary running in the background, as a user would leave it running in a
// terminal: dev-broker, simulate-api, stream, fetch --follow. Spawned with posix_spawn in a
// given directory, stdout and stderr captured to files there, WALMART_ETL_* of the test's own
// environment removed (tests state their config explicitly). The destructor stops a process
// still running: SIGTERM, a grace period, then SIGKILL; it always reaps it.

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace etl::test {

class BackgroundProcess {
 public:
  // Starts `walmart-etl <args>` in `dir`; output goes to <dir>/<name>.out and <dir>/<name>.err.
  // Throws std::runtime_error if it cannot be spawned.
  BackgroundProcess(std::string name, const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env, const std::string& dir);
  // Starts `/bin/sh -c script` the same way (for README lines with a pipe). Use binary_path()
  // in the script for walmart-etl.
  static std::unique_ptr<BackgroundProcess> shell(std::string name, const std::string& script,
                                                  const std::map<std::string, std::string>& env,
                                                  const std::string& dir);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  // True while it has not exited (reaps it if it has).
  [[nodiscard]] bool running();
  // Waits for it to exit: the exit code, 128+N if killed by signal N, nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds deadline);
  // SIGTERM, wait up to `grace`, then SIGKILL. Returns the exit code (128+N when signalled).
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(20));
  // kill -9 now, and reap. Returns the exit status as wait() does.
  int kill9();

  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] std::string out() const;
  [[nodiscard]] std::string err() const;
  // "<name> stdout: ... stderr: ..." (tail of each) for assertion messages.
  [[nodiscard]] std::string describe() const;

 private:
  struct Program {
    std::vector<std::string> argv;  // argv[0] is the executable's path
  };
  BackgroundProcess(std::string name, const Program& program,
                    const std::map<std::string, std::string>& env, const std::string& dir);

  std::string name_;
  std::string out_path_;
  std::string err_path_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// The walmart-etl binary under test.
std::string binary_path();

// Reads a small file the binary writes atomically (--port-file, --bootstrap-file) once it
// exists and is non-empty; "" if the deadline passed. Trailing whitespace removed.
std::string wait_for_file(const std::string& path, std::chrono::milliseconds deadline);

std::string read_text_file(const std::string& path);

// The last `max_bytes` of a text (for failure messages).
std::string tail(const std::string& text, size_t max_bytes = 4000);

}  // namespace etl::test
