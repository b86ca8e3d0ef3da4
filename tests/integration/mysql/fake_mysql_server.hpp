#pragma once
// A MySQL server impostor for security tests: it speaks just enough of the client/server protocol
// (the v10 handshake, an authentication switch to a plugin of its choice or an OK to any
// authentication, and a LOCAL INFILE request as the answer to the first query) to see what a
// client would give a hostile server. It accepts one connection on an
// ephemeral loopback port, records every byte the client sent, and never serves real data.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace etl::test {

class FakeMysqlServer {
 public:
  struct Options {
    bool offer_tls = false;         // advertise CLIENT_SSL in the greeting
    std::string infile_to_request;  // the path asked for with a LOCAL INFILE request
    // After the login packet, ask the client to switch to this authentication plugin (e.g.
    // mysql_clear_password, dialog) instead of logging it in, and record whatever it sends.
    // For caching_sha2_password the impostor then asks for "full authentication", which a client
    // without TLS answers by asking for the server's RSA key.
    std::string switch_to_plugin;
  };

  // What the impostor saw, readable once finished() (or after the destructor's join).
  struct Seen {
    bool got_first_packet = false;
    uint32_t client_capabilities = 0;
    bool asked_for_tls = false;  // the first packet was a 32-byte SSL request
    bool got_handshake_response = false;
    bool answered_switch = false;  // sent at least one packet after the switch request
    bool got_query = false;
    std::string after_infile_request;  // every byte the client sent after the LOCAL INFILE request
    std::string all_bytes;             // every byte the client sent
  };

  explicit FakeMysqlServer(Options options);
  ~FakeMysqlServer();
  FakeMysqlServer(const FakeMysqlServer&) = delete;
  FakeMysqlServer& operator=(const FakeMysqlServer&) = delete;

  [[nodiscard]] int port() const noexcept { return port_; }
  // Waits (up to 10 s) for the client's conversation to end, then returns what was seen.
  Seen wait_seen();

 private:
  void serve();
  void switch_plugin(int fd, std::string& all);

  Options options_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::mutex mu_;
  Seen seen_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace etl::test
