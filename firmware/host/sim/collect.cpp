// urja-mqtt-collect: subscribes to meter topics and prints each payload on its own line;
// used by the simulator's end-to-end test (and handy to watch a community's traffic).
#include <mosquitto.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

namespace {
struct State {
  bool subscribe_only = false;
  long want = 0;
  long got = 0;
  bool subscribed = false;
  std::string topic;
};

void on_connect(mosquitto* m, void* p, int rc) {
  auto* s = static_cast<State*>(p);
  if (rc == 0) mosquitto_subscribe(m, nullptr, s->topic.c_str(), 1);
}
void on_subscribe(mosquitto*, void* p, int, int, const int*) {
  static_cast<State*>(p)->subscribed = true;
  std::cerr << "collect: subscribed\n";
}
void on_message(mosquitto*, void* p, const mosquitto_message* msg) {
  auto* s = static_cast<State*>(p);
  std::cout << std::string(static_cast<const char*>(msg->payload), size_t(msg->payloadlen))
            << "\n";
  std::cout.flush();
  ++s->got;
}
}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1", topic = "urja/+/meter/+/slot", id;
  int port = 1883;
  long count = 0, timeout_s = 60;
  bool subscribe_only = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--host") host = v;
    else if (a == "--port") port = std::stoi(v);
    else if (a == "--topic") topic = v;
    else if (a == "--count") count = std::stol(v);
    else if (a == "--timeout") timeout_s = std::stol(v);
    else if (a == "--id") id = v;  // persistent session: the broker queues while we are away
    else if (a == "--subscribe-only") subscribe_only = v == "1";
    else {
      std::cerr << "usage: urja-mqtt-collect [--host H] [--port P] [--topic T] [--count N]\n"
                   "                         [--timeout S] [--id CLIENT_ID] [--subscribe-only 1]\n";
      return 2;
    }
  }
  mosquitto_lib_init();
  State st;
  st.want = count;
  st.topic = topic;
  st.subscribe_only = subscribe_only;
  mosquitto* m = id.empty() ? mosquitto_new(nullptr, true, &st)
                            : mosquitto_new(id.c_str(), false, &st);
  mosquitto_connect_callback_set(m, on_connect);
  mosquitto_subscribe_callback_set(m, on_subscribe);
  mosquitto_message_callback_set(m, on_message);
  const auto t0 = std::chrono::steady_clock::now();
  bool up = false;
  while (std::chrono::steady_clock::now() - t0 < std::chrono::seconds(timeout_s)) {
    if (!up) {
      up = mosquitto_connect(m, host.c_str(), port, 30) == MOSQ_ERR_SUCCESS;
      if (!up) {
        struct timespec ts{0, 100000000};
        nanosleep(&ts, nullptr);
        continue;
      }
    }
    if (mosquitto_loop(m, 100, 1) != MOSQ_ERR_SUCCESS) up = false;
    if (count > 0 && st.got >= count) break;
    if (subscribe_only && st.subscribed) break;
  }
  if (up) mosquitto_disconnect(m);
  mosquitto_destroy(m);
  mosquitto_lib_cleanup();
  if (subscribe_only) return st.subscribed ? 0 : 1;
  return (count == 0 || st.got >= count) ? 0 : 1;
}
