// libcurl wrapper: the TLS policy, time and size limits, reply capture, and CURLcode sorted
// into HttpErrorKind with a message a technician can act on. Nothing else calls curl_easy_*.
#include "http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <ctime>
#include <cctype>
#include <mutex>
#include <new>

#include "platform/log.h"

namespace otklik {

namespace {

bool sameIgnoringCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

bool hasHeader(const HttpHeaders& headers, std::string_view name) {
    return std::any_of(headers.begin(), headers.end(), [&](const auto& h) { return sameIgnoringCase(h.first, name); });
}

// curl_global_init is not thread-safe and initialises OpenSSL; once per process is enough.
// It is never undone: another thread's client may still be alive when main returns.
CURLcode globalInit() {
    static std::once_flag once;
    static CURLcode result = CURLE_OK;
    std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
    return result;
}

// What the callbacks fill in during one send().
struct Capture {
    HttpResult* result = nullptr;
    std::size_t maxBytes = 0;
    bool oversize = false;
    bool outOfMemory = false;
};

// Returning fewer bytes than offered makes curl stop with CURLE_WRITE_ERROR; exceptions must
// not cross the C library.
size_t onBody(char* data, size_t size, size_t count, void* user) {
    auto* capture = static_cast<Capture*>(user);
    const size_t length = size * count;
    if (capture->result->body.size() + length > capture->maxBytes) {
        capture->oversize = true;
        return 0;
    }
    try {
        capture->result->body.append(data, length);
    } catch (const std::bad_alloc&) {
        capture->outOfMemory = true;
        return 0;
    }
    return length;
}

size_t onHeader(char* data, size_t size, size_t count, void* user) {
    auto* capture = static_cast<Capture*>(user);
    const size_t length = size * count;
    std::string_view line(data, length);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    try {
        HttpHeaders& headers = capture->result->headers;
        if (line.starts_with("HTTP/")) {
            // A new status line: what came before was an interim reply (100 Continue) and
            // must not be mixed into the final one.
            headers.clear();
        } else if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
            // Obsolete line folding: the value continues.
            if (!headers.empty()) headers.back().second += " " + std::string(line.substr(line.find_first_not_of(" \t")));
        } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
            std::string name(line.substr(0, colon));
            std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            std::string_view value = line.substr(colon + 1);
            const auto first = value.find_first_not_of(" \t");
            value = first == std::string_view::npos ? std::string_view() : value.substr(first, value.find_last_not_of(" \t") - first + 1);
            headers.emplace_back(std::move(name), std::string(value));
        }
    } catch (const std::bad_alloc&) {
        capture->outOfMemory = true;
        return 0;
    }
    return length;
}

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

// OpenSSL's "Jan  1 00:00:00 2027 GMT" (curl's certinfo "Expire date") as Unix milliseconds.
std::optional<int64_t> parseCertDate(const std::string& text) {
    std::tm tm{};
    const char* end = strptime(text.c_str(), "%b %d %H:%M:%S %Y GMT", &tm);
    if (!end) return std::nullopt;
    return static_cast<int64_t>(timegm(&tm)) * 1000;
}

// Timings, the peer and the server certificate's expiry of the exchange just made.
void inspect(CURL* curl, HttpConnectionInfo& info) {
    auto us = [&](CURLINFO what) {
        curl_off_t value = 0;
        return curl_easy_getinfo(curl, what, &value) == CURLE_OK ? static_cast<int64_t>(value) : int64_t{0};
    };
    info.resolvedUs = us(CURLINFO_NAMELOOKUP_TIME_T);
    info.connectedUs = us(CURLINFO_CONNECT_TIME_T);
    info.tlsDoneUs = us(CURLINFO_APPCONNECT_TIME_T);
    info.totalUs = us(CURLINFO_TOTAL_TIME_T);
    char* ip = nullptr;
    if (curl_easy_getinfo(curl, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip) info.peerAddress = ip;
    curl_certinfo* chain = nullptr;
    if (curl_easy_getinfo(curl, CURLINFO_CERTINFO, &chain) != CURLE_OK || !chain || chain->num_of_certs < 1) return;
    // The first certificate is the server's own.
    for (curl_slist* field = chain->certinfo[0]; field; field = field->next) {
        std::string_view line(field->data);
        if (line.starts_with("Expire date:")) info.certificateExpiresAtMs = parseCertDate(std::string(line.substr(12)));
    }
}

// What went wrong, and what to check.
struct Advice {
    std::string words;
    std::string check;
};

// Plain words for a failed TLS handshake, chosen by curl's detail (OpenSSL's verify message)
// because the fix differs: a clock, a CA file, a URL, or a changed key.
Advice tlsAdvice(CURLcode rc, std::string_view detail) {
    if (rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH)
        return {"the hub's public key matches none of the configured pins",
                "either the hub's key was replaced (update the pins) or something between here and the hub intercepts the connection"};
    if (rc == CURLE_SSL_CACERT_BADFILE)
        return {"the CA file could not be read", "check that ca_file names a readable PEM file"};
    if (contains(detail, "expired") || contains(detail, "not yet valid"))
        return {"the hub's certificate is outside its validity dates", "check this terminal's clock, then the hub's certificate"};
    if (contains(detail, "subject name") || contains(detail, "host name"))
        return {"the hub's certificate is for a different name", "check the host name in the hub's URL"};
    if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_ISSUER_ERROR)
        return {"the hub's certificate is not trusted", "check ca_file (it must hold the CA that issued the hub's certificate)"};
    return {"the TLS handshake with the hub failed",
            "check that the URL points at the hub's HTTPS port and that the hub offers TLS 1.2 or newer"};
}

// Sorts a failed transfer into the kind a caller acts on, with the message it can show.
void classify(CURLcode rc, std::string_view detail, const Capture& capture, long connectCode, HttpResult& result) {
    auto say = [&](HttpErrorKind kind, const std::string& words, std::string_view check = {}) {
        result.error = kind;
        result.errorWords = words;
        result.errorAdvice = std::string(check);
        result.errorMessage = words + " (" + std::string(detail) + ")";
        if (!check.empty()) result.errorMessage += " — " + std::string(check);
    };
    if (capture.outOfMemory || rc == CURLE_OUT_OF_MEMORY) return say(HttpErrorKind::Other, "out of memory while receiving the reply");
    if (capture.oversize || rc == CURLE_FILESIZE_EXCEEDED)
        return say(HttpErrorKind::Receive, "the reply is larger than the " + std::to_string(capture.maxBytes) + "-byte limit",
                   "the URL may point at the wrong server");
    // A proxy that answered CONNECT with an error: whatever curl calls it, the proxy is the problem.
    if (connectCode >= 300)
        return say(HttpErrorKind::Proxy, "the proxy refused the tunnel with status " + std::to_string(connectCode),
                   "check the proxy setting and that the proxy allows the hub's address");
    switch (rc) {
        case CURLE_COULDNT_RESOLVE_HOST:
            return say(HttpErrorKind::Resolve, "the hub's name could not be resolved", "check the host name in the URL and this network's DNS");
        case CURLE_COULDNT_RESOLVE_PROXY:
            return say(HttpErrorKind::Proxy, "the proxy's name could not be resolved", "check the proxy setting (or https_proxy)");
        case CURLE_PROXY:
            return say(HttpErrorKind::Proxy, "the proxy failed the connection", "check the proxy setting (or https_proxy)");
        case CURLE_COULDNT_CONNECT:
            return say(HttpErrorKind::Connect, "could not connect to the hub",
                       "check that the hub is running and reachable from this network (port, firewall, cable or Wi-Fi)");
        case CURLE_OPERATION_TIMEDOUT:
            return say(HttpErrorKind::Timeout, "the hub did not answer in time", "the network or the hub is slow or down");
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_CRL_BADFILE:
        case CURLE_SSL_INVALIDCERTSTATUS:
        case CURLE_SSL_ENGINE_NOTFOUND:
        case CURLE_SSL_ENGINE_SETFAILED:
        case CURLE_SSL_ENGINE_INITFAILED:
        case CURLE_SSL_CLIENTCERT:
        case CURLE_USE_SSL_FAILED: {
            const Advice advice = tlsAdvice(rc, detail);
            return say(HttpErrorKind::Tls, advice.words, advice.check);
        }
        case CURLE_SEND_ERROR:
            return say(HttpErrorKind::Send, "the connection broke while sending the request");
        case CURLE_GOT_NOTHING:
            return say(HttpErrorKind::Receive, "the hub closed the connection without replying");
        case CURLE_RECV_ERROR:
        case CURLE_PARTIAL_FILE:
        case CURLE_SSL_SHUTDOWN_FAILED:
            return say(HttpErrorKind::Receive, "the reply was cut short");
        case CURLE_WEIRD_SERVER_REPLY:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
        case CURLE_BAD_CONTENT_ENCODING:
            return say(HttpErrorKind::Receive, "the reply was malformed", "check that the URL points at the hub");
        case CURLE_UNSUPPORTED_PROTOCOL:
            return say(HttpErrorKind::Other, "the URL's scheme is not allowed", "use an https:// URL");
        case CURLE_URL_MALFORMAT:
            return say(HttpErrorKind::Other, "the URL is malformed", "check the hub's URL");
        default:
            return say(HttpErrorKind::Other, "the request failed");
    }
}

}  // namespace

const char* toString(HttpErrorKind kind) {
    switch (kind) {
        case HttpErrorKind::None: return "none";
        case HttpErrorKind::Resolve: return "name not resolved";
        case HttpErrorKind::Connect: return "cannot connect";
        case HttpErrorKind::Timeout: return "timeout";
        case HttpErrorKind::Tls: return "TLS failure";
        case HttpErrorKind::Proxy: return "proxy failure";
        case HttpErrorKind::Send: return "send failed";
        case HttpErrorKind::Receive: return "bad or cut reply";
        case HttpErrorKind::Other: return "request failed";
    }
    return "request failed";
}

std::optional<std::string> HttpResult::header(std::string_view name) const {
    for (const auto& [key, value] : headers)
        if (sameIgnoringCase(key, name)) return value;
    return std::nullopt;
}

struct HttpClient::Impl {
    TlsSettings tls;
    HttpTimeouts timeouts;
    std::optional<std::string> proxy;
    std::string pinList;     // pins joined with ';' as CURLOPT_PINNEDPUBLICKEY wants them
    std::string setupError;  // set when this client can never send: every send() returns it
    CURL* curl = nullptr;
    char errorBuffer[CURL_ERROR_SIZE] = {};

    ~Impl() {
        if (curl) curl_easy_cleanup(curl);
    }
};

HttpClient::HttpClient(TlsSettings tls, HttpTimeouts timeouts, std::optional<std::string> proxy) : impl_(std::make_unique<Impl>()) {
    Impl& s = *impl_;
    s.tls = std::move(tls);
    s.timeouts = timeouts;
    s.proxy = std::move(proxy);
    for (const std::string& pin : s.tls.pins) {
        // curl reads a value without this prefix as a file name, so a typo would turn into a
        // confusing "pin mismatch" on every request instead of naming the bad pin.
        if (!pin.starts_with("sha256//") || pin.size() == 8 || pin.find(';') != std::string::npos) {
            s.setupError = "the public-key pin \"" + pin + "\" is not of the form sha256//BASE64 — copy it again from the hub's key";
            break;
        }
        if (!s.pinList.empty()) s.pinList += ';';
        s.pinList += pin;
    }
    if (s.tls.insecureDevelopmentOnly)
        log::warning("TLS verification is OFF (insecure development mode): anyone on the network can read and change "
                     "what is sent. Never use this on a real terminal.");
    if (CURLcode rc = globalInit(); rc != CURLE_OK) {
        s.setupError = std::string("libcurl could not start (") + curl_easy_strerror(rc) + ")";
        return;
    }
    s.curl = curl_easy_init();
    if (!s.curl) s.setupError = "libcurl could not create a connection handle (out of memory?)";
}

HttpClient::~HttpClient() = default;

HttpResult HttpClient::send(const HttpRequest& request) {
    Impl& s = *impl_;
    HttpResult result;
    if (!s.setupError.empty()) {
        result.error = HttpErrorKind::Other;
        result.errorMessage = s.setupError;
        return result;
    }
    CURL* curl = s.curl;
    // Back to defaults so nothing of the previous request (method, body, headers) leaks into
    // this one; the open connection and TLS session survive a reset.
    curl_easy_reset(curl);
    s.errorBuffer[0] = '\0';
    Capture capture{&result, request.maxReplyBytes};

    // The first setopt failure wins: a security option that did not take must fail the
    // request, never let it go out with less protection.
    CURLcode rc = CURLE_OK;
    auto set = [&](CURLcode r) {
        if (rc == CURLE_OK) rc = r;
    };
    set(curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, s.errorBuffer));
    set(curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str()));
    // Plain http only in development mode: responses must not travel readable.
    set(curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, s.tls.insecureDevelopmentOnly ? "http,https" : "https"));
    // Signals (SIGALRM for DNS timeouts, SIGPIPE) are not ours to take in a threaded process.
    set(curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L));
    // A redirect would carry the terminal's token to wherever it points.
    set(curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L));
    set(curl_easy_setopt(curl, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2)));
    set(curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, s.tls.insecureDevelopmentOnly ? 0L : 1L));
    set(curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, s.tls.insecureDevelopmentOnly ? 0L : 2L));
    if (!s.tls.caFile.empty()) set(curl_easy_setopt(curl, CURLOPT_CAINFO, s.tls.caFile.c_str()));
    if (!s.pinList.empty()) set(curl_easy_setopt(curl, CURLOPT_PINNEDPUBLICKEY, s.pinList.c_str()));
    set(curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(s.timeouts.connectMs)));
    set(curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(s.timeouts.totalMs)));
    set(curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, static_cast<long>(s.timeouts.lowSpeedBytesPerS)));
    set(curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(s.timeouts.lowSpeedSeconds)));
    if (s.proxy) set(curl_easy_setopt(curl, CURLOPT_PROXY, s.proxy->c_str()));
    // The proxy's own "200 Connection established" is not part of the hub's reply.
    set(curl_easy_setopt(curl, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L));
    // Refuses an announced oversize body before any of it arrives; onBody catches the rest.
    set(curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.maxReplyBytes)));
    set(curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, onBody));
    set(curl_easy_setopt(curl, CURLOPT_WRITEDATA, &capture));
    set(curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, onHeader));
    set(curl_easy_setopt(curl, CURLOPT_HEADERDATA, &capture));
    if (request.inspectConnection) set(curl_easy_setopt(curl, CURLOPT_CERTINFO, 1L));

    const bool sendsBody = request.method != "GET" && request.method != "HEAD";
    if (request.method == "GET") {
        set(curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L));
    } else if (request.method == "HEAD") {
        set(curl_easy_setopt(curl, CURLOPT_NOBODY, 1L));
    } else {
        // POSTFIELDS is not copied: `request` outlives the transfer.
        set(curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size())));
        set(curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data()));
        if (request.method != "POST") set(curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str()));
    }

    curl_slist* headerList = nullptr;
    bool headersOk = true;
    auto addHeader = [&](const std::string& line) {
        curl_slist* next = curl_slist_append(headerList, line.c_str());
        if (next) headerList = next;
        else headersOk = false;
    };
    for (const auto& [name, value] : request.headers) addHeader(name + ": " + value);
    // "Name:" with nothing after it removes a header curl would add by itself: its form
    // Content-Type would mislabel our JSON, and Expect: 100-continue costs a round trip (or a
    // 1 s wait with servers that do not answer it) before a large batch is sent.
    if (sendsBody && !hasHeader(request.headers, "Content-Type")) addHeader("Content-Type:");
    if (!hasHeader(request.headers, "Expect")) addHeader("Expect:");
    set(curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headerList));

    if (rc != CURLE_OK || !headersOk) {
        curl_slist_free_all(headerList);
        result.error = HttpErrorKind::Other;
        result.errorMessage = std::string("could not set up the request (") + (headersOk ? curl_easy_strerror(rc) : "out of memory") +
                              ") — this libcurl lacks a feature the terminal needs";
        return result;
    }

    rc = curl_easy_perform(curl);
    curl_slist_free_all(headerList);

    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    result.status = static_cast<int>(status);
    if (request.inspectConnection) inspect(curl, result.connection);
    if (rc == CURLE_OK && !capture.outOfMemory) return result;

    long connectCode = 0;
    curl_easy_getinfo(curl, CURLINFO_HTTP_CONNECTCODE, &connectCode);
    // When our own callback stopped the transfer, curl's words ("Failure writing output to
    // destination") would mislead; say what happened instead.
    const std::string stopped = "stopped after " + std::to_string(result.body.size()) + " bytes";
    const std::string_view detail = capture.oversize ? std::string_view(stopped)
                                    : s.errorBuffer[0] ? std::string_view(s.errorBuffer)
                                                       : std::string_view(curl_easy_strerror(rc));
    classify(rc, detail, capture, connectCode, result);
    return result;
}

std::string hubRouteUrl(const std::string& hubUrl, const std::string& route) {
    std::string base = hubUrl;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + route;
}

}  // namespace otklik
