#include "support/background_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <thread>

extern char** environ;

namespace etl::test {

namespace {
int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}
}  // namespace

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string tail(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  return "..." + text.substr(text.size() - max_bytes);
}

std::string binary_path() { return ETL_BINARY_PATH; }

BackgroundProcess::BackgroundProcess(std::string name, const std::vector<std::string>& args,
                                     const std::map<std::string, std::string>& env,
                                     const std::string& dir)
    : BackgroundProcess(std::move(name), Program{[&] {
                          std::vector<std::string> argv{ETL_BINARY_PATH};
                          argv.insert(argv.end(), args.begin(), args.end());
                          return argv;
                        }()},
                        env, dir) {}

std::unique_ptr<BackgroundProcess> BackgroundProcess::shell(
    std::string name, const std::string& script, const std::map<std::string, std::string>& env,
    const std::string& dir) {
  return std::unique_ptr<BackgroundProcess>(
      new BackgroundProcess(std::move(name), Program{{"/bin/sh", "-c", script}}, env, dir));
}

BackgroundProcess::BackgroundProcess(std::string name, const Program& program,
                                     const std::map<std::string, std::string>& env,
                                     const std::string& dir)
    : name_(std::move(name)),
      out_path_(dir + "/" + name_ + ".out"),
      err_path_(dir + "/" + name_ + ".err") {
  std::vector<std::string> argv_s = program.argv;
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_s;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).rfind("WALMART_ETL_", 0) != 0) env_s.emplace_back(*e);
  }
  for (const auto& [k, v] : env) env_s.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addchdir_np(&fa, dir.c_str());
  const int rc = posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    pid_ = -1;
    throw std::runtime_error("posix_spawn " + name_ + " failed: " + std::to_string(rc));
  }
}

BackgroundProcess::~BackgroundProcess() {
  if (pid_ > 0) (void)stop(std::chrono::seconds(10));
}

bool BackgroundProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_code_ = decode_status(status);
    pid_ = -1;
    return false;
  }
  return true;
}

std::optional<int> BackgroundProcess::wait(std::chrono::milliseconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (running()) {
    if (std::chrono::steady_clock::now() >= end) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_code_;
}

int BackgroundProcess::stop(std::chrono::milliseconds grace) {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    if (!wait(grace)) return kill9();
  }
  return exit_code_.value_or(-1);
}

int BackgroundProcess::kill9() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    exit_code_ = decode_status(status);
    pid_ = -1;
  }
  return exit_code_.value_or(-1);
}

std::string BackgroundProcess::out() const { return read_text_file(out_path_); }
std::string BackgroundProcess::err() const { return read_text_file(err_path_); }

std::string BackgroundProcess::describe() const {
  return name_ + " stdout:\n" + tail(out()) + "\n" + name_ + " stderr:\n" + tail(err());
}

std::string wait_for_file(const std::string& path, std::chrono::milliseconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (true) {
    std::string content = read_text_file(path);
    while (!content.empty() &&
           (content.back() == '\n' || content.back() == ' ' || content.back() == '\r')) {
      content.pop_back();
    }
    if (!content.empty()) return content;
    if (std::chrono::steady_clock::now() >= end) return "";
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace etl::test
