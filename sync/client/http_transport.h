// The seam between the uploader and the network: one request in, one result out. HttpClient
// (http_client.h, libcurl) is the real one; tests pass a fake hub (tests/fakes) that fails
// on cue. The request and result types live in http_client.h, which includes this header.
#pragma once

namespace otklik {

struct HttpRequest;
struct HttpResult;

class HttpTransport {
public:
    virtual ~HttpTransport() = default;
    // Blocks until a reply arrived or the exchange failed; never throws. Not thread-safe
    // unless an implementation says so: one transport per thread.
    [[nodiscard]] virtual HttpResult send(const HttpRequest& request) = 0;
};

}  // namespace otklik
