// scripts/mariadb-local.sh, the private MariaDB of tests and the demo, in its own directory and on
// a free port: nobody logs in over TCP without a password, its secrets and data are the invoking
// user's alone, the server reads and writes files only in its private folder and refuses LOAD
// DATA LOCAL, and `start` upgrades a data directory that still has a password-less TCP root.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "mysql/connection.hpp"
#include "support/test_env.hpp"

namespace etl {
namespace {

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("no free port");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

class ScriptServer {
 public:
  ScriptServer() : dir_(test::make_temp_dir("etl-mariadb-local") + "/db"), port_(free_port()) {}
  ~ScriptServer() {
    run("stop");
    std::filesystem::remove_all(std::filesystem::path(dir_).parent_path());
  }
  ScriptServer(const ScriptServer&) = delete;
  ScriptServer& operator=(const ScriptServer&) = delete;

  // Runs a verb; returns its exit code, its output in `out`.
  int run(const std::string& verb, std::string* out = nullptr) {
    const std::string log = std::filesystem::path(dir_).parent_path().string() + "/out.txt";
    const std::string cmd = "ETL_MARIADB_DIR='" + dir_ +
                            "' ETL_MARIADB_PORT=" + std::to_string(port_) + " '" + ETL_SOURCE_DIR +
                            "/scripts/mariadb-local.sh' " + verb + " >'" + log + "' 2>&1";
    const int rc = std::system(cmd.c_str());
    std::ifstream in(log);
    std::stringstream ss;
    ss << in.rdbuf();
    if (out != nullptr) *out = ss.str();
    if (rc != 0) std::cerr << "mariadb-local.sh " << verb << ":\n" << ss.str() << "\n";
    return rc;
  }
  [[nodiscard]] config::MysqlConfig login(const std::string& user, const std::string& password) {
    config::MysqlConfig c = test::test_mysql_config();
    c.host = "127.0.0.1";
    c.port = port_;
    c.user = user;
    c.password = password;
    return c;
  }
  [[nodiscard]] config::MysqlConfig product_login() {
    config::MysqlConfig c = login("", "");
    test::use_private_mariadb_login(c, dir_);
    return c;
  }
  [[nodiscard]] const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  int port_;
};

std::string scalar(mysql::Connection& c, const std::string& sql) {
  const auto rows = c.query(sql);
  return rows.empty() || !rows[0][0] ? "NULL" : *rows[0][0];
}

bool root_without_password_gets_in(ScriptServer& s) {
  try {
    mysql::Connection::open(s.login("root", ""), mysql::UseDatabase::none);
    return true;
  } catch (const EtlError& e) {
    EXPECT_EQ(e.error().code, 1045) << e.what();  // access denied, not a dead server
    return false;
  }
}

TEST(MariadbLocal, OnlyThePasswordUserLogsInOverTcpAndFilesStayPrivate) {
  ScriptServer s;
  ASSERT_EQ(s.run("start"), 0);
  EXPECT_FALSE(root_without_password_gets_in(s)) << "root logs in over TCP without a password";

  // The password: random, in a file only the invoking user can read, printed by `env`.
  const auto cfg = s.product_login();
  EXPECT_GE(cfg.password.size(), 32U);
  EXPECT_EQ(mode_of(s.dir() + "/walmart_etl.password"), 0600U);
  EXPECT_EQ(mode_of(s.dir()), 0700U);
  EXPECT_EQ(mode_of(s.dir() + "/data"), 0700U);
  EXPECT_EQ(mode_of(s.dir() + "/files"), 0700U);
  std::string env;
  ASSERT_EQ(s.run("env", &env), 0);
  EXPECT_NE(env.find("export WALMART_ETL_MYSQL__USER=walmart_etl\n"), std::string::npos) << env;
  EXPECT_NE(env.find("export WALMART_ETL_MYSQL__PASSWORD=" + cfg.password + "\n"),
            std::string::npos);

  auto c = mysql::Connection::open(cfg, mysql::UseDatabase::none);
  EXPECT_EQ(scalar(c, "SELECT @@GLOBAL.local_infile"), "0");
  EXPECT_EQ(scalar(c, "SELECT @@GLOBAL.secure_file_priv"), s.dir() + "/files/");
  // A file outside the private folder cannot be written through the server.
  const std::string outside =
      std::filesystem::path(s.dir()).parent_path().string() + "/written-by-the-server";
  EXPECT_THROW(c.execute("SELECT 'x' INTO DUMPFILE " + c.quote(outside)), EtlError);
  EXPECT_FALSE(std::filesystem::exists(outside));
}

TEST(MariadbLocal, StartUpgradesADataDirectoryWithAPasswordlessTcpRoot) {
  ScriptServer s;
  ASSERT_EQ(s.run("start"), 0);
  {
    // What an earlier version of the script left: root@127.0.0.1 without a password.
    auto c = mysql::Connection::open(s.product_login(), mysql::UseDatabase::none);
    c.execute("CREATE USER 'root'@'127.0.0.1' IDENTIFIED BY ''");
    c.execute("GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION");
  }
  ASSERT_TRUE(root_without_password_gets_in(s));
  ASSERT_EQ(s.run("stop"), 0);
  ASSERT_EQ(s.run("start"), 0);
  EXPECT_FALSE(root_without_password_gets_in(s)) << "start left the password-less TCP root";
  EXPECT_NO_THROW(mysql::Connection::open(s.product_login(), mysql::UseDatabase::none));
}

}  // namespace
}  // namespace etl
