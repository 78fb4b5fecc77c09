// Private to net/: one accepted connection, served until it closes.
#pragma once

#include <boost/asio/generic/stream_protocol.hpp>
#include <string>
#include <utility>  // before Asio (g++ 12 / Boost 1.74 trap)

#include "net/internal/server_core.h"

namespace vigie::net::internal {

using GenericSocket = boost::asio::generic::stream_protocol::socket;

// Registers the connection with `core` and starts reading requests. The connection keeps
// itself alive through its pending operations and unregisters when it closes.
void StartConnection(ServerCore& core, GenericSocket socket, std::string remote_address);

}  // namespace vigie::net::internal
