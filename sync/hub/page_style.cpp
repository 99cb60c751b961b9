// The hub pages' one stylesheet and the Content-Security-Policy that allows exactly it (by its
// SHA-256), declared in results_page.h. Kept apart from the page builders: it is data.
#include "sync/hub/results_page.h"

#include <cstdint>
#include <string>

#include "sync/protocol/crypto.h"

namespace otklik::hub {

namespace {

std::string base64(const std::string& raw) {
    static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < raw.size(); i += 3) {
        uint32_t v = (uint32_t(uint8_t(raw[i])) << 16) | (uint32_t(uint8_t(raw[i + 1])) << 8) | uint8_t(raw[i + 2]);
        for (int k = 18; k >= 0; k -= 6) out += table[(v >> k) & 63];
    }
    if (i + 1 == raw.size()) {
        uint32_t v = uint32_t(uint8_t(raw[i])) << 16;
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == raw.size()) {
        uint32_t v = (uint32_t(uint8_t(raw[i])) << 16) | (uint32_t(uint8_t(raw[i + 1])) << 8);
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

// ------------------------------------------------------------------ the stylesheet

std::string buildStylesheet() {
    std::string css = R"CSS(
:root{--ink:#1b1f24;--muted:#57606a;--line:#d8dee4;--soft:#eef1f4;--bg:#f6f8fa;--card:#fff;--navy:#0f2a44;--link:#0b5cad;
--r1:#b42318;--r2:#e8590c;--r3:#f0b429;--r4:#5c9a2e;--r5:#1e6b34;--warn:#7a4100;--warn-bg:#fff3d6;--bad:#a11a12;--bad-bg:#fdebe9;--ok:#1e6b34}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue","DejaVu Sans",Arial,sans-serif}
a{color:var(--link)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #f0b429;outline-offset:2px}
.wrap{max-width:1180px;margin:0 auto;padding:0 16px}
.skip{position:absolute;left:-999px;top:8px;background:#fff;color:var(--ink);padding:8px 12px;border-radius:6px;z-index:2}
.skip:focus{left:8px}
.sr{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.top{background:var(--navy);color:#fff;padding:22px 0 18px}
.top h1{margin:0;font-size:1.625rem;line-height:1.2;font-weight:700;letter-spacing:-.01em}
.top .period{margin:6px 0 0;color:#d3deea;font-size:.9375rem}
.top .period b{color:#fff;font-weight:600}
.filter{display:flex;flex-wrap:wrap;align-items:flex-end;gap:10px 14px;margin-top:16px}
.filter label{display:flex;flex-direction:column;gap:4px;font-size:.8125rem;color:#d3deea;font-weight:600}
.filter input,.filter select{font:inherit;font-size:1rem;color:var(--ink);background:#fff;border:1px solid #9ab3cf;border-radius:8px;padding:7px 10px;min-height:44px;min-width:10rem;max-width:100%}
button{font:inherit;font-weight:600;color:#fff;background:var(--link);border:0;border-radius:8px;padding:9px 18px;min-height:44px;cursor:pointer}
.filter button{background:#fff;color:var(--navy)}
nav.toc{border-bottom:1px solid var(--line);background:#fff}
nav.toc ul{list-style:none;margin:0 auto;padding:0 16px;max-width:1180px;display:flex;gap:0 20px;flex-wrap:wrap}
nav.toc a{display:inline-block;padding:11px 0;font-size:.9375rem;text-decoration:none;font-weight:600}
nav.toc a:hover{text-decoration:underline}
main.wrap{padding-top:28px;padding-bottom:48px}
section{margin:0 0 40px}
h2{font-size:1.375rem;line-height:1.3;margin:0 0 14px;letter-spacing:-.005em}
h3{font-size:1.0625rem;margin:0 0 10px}
.centre>h2{padding-top:14px;border-top:3px solid var(--navy);margin-bottom:4px}
.lead{margin:0 0 14px;color:var(--muted)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:12px;margin:0 0 16px}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:14px 16px}
.card .k{margin:0;color:var(--muted);font-size:.75rem;font-weight:700;text-transform:uppercase;letter-spacing:.06em}
.card .v{margin:2px 0 0;font-size:2rem;line-height:1.15;font-weight:700;font-variant-numeric:tabular-nums}
.card .v small{font-size:1rem;color:var(--muted);font-weight:600}
.card .s{margin:4px 0 0;color:var(--muted);font-size:.875rem}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:16px;align-items:start;margin:0 0 16px}
.grid2 .tablebox{margin:0}
.tablebox{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:4px 0 0;margin:0 0 16px;overflow-x:auto}
table{width:100%;border-collapse:collapse}
caption{text-align:left;padding:10px 14px 8px;color:var(--muted);font-size:.875rem;caption-side:top}
caption b{color:var(--ink);font-size:1rem;display:block}
th,td{padding:9px 14px;border-top:1px solid var(--line);text-align:left;vertical-align:middle}
thead th{border-top:0;padding-top:6px;padding-bottom:6px;font-size:.75rem;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);font-weight:700;background:var(--soft);white-space:nowrap}
tbody th{font-weight:600}
.q{display:block;font-weight:400;font-size:.8125rem;color:var(--muted)}
.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.nw{white-space:nowrap}
td.barcell{min-width:190px;width:30%}
table.bars tbody th{width:9rem;white-space:nowrap}
table.bars td.barcell{width:auto}
.muted{color:var(--muted)}
.small{font-size:.8125rem}
.mean{font-weight:700;font-variant-numeric:tabular-nums}
.mean::before{content:"";display:inline-block;width:.6em;height:.6em;border-radius:50%;margin-right:6px;vertical-align:.05em;background:var(--line)}
.m1::before{background:var(--r1)}.m3::before{background:var(--r3)}.m4::before{background:var(--r4)}.m5::before{background:var(--r5)}
.bar{display:flex;height:12px;border-radius:6px;overflow:hidden;background:var(--soft);min-width:100px}
.bar>span{display:block;height:100%}
.r1{background:var(--r1)}.r2{background:var(--r2)}.r3{background:var(--r3)}.r4{background:var(--r4)}.r5{background:var(--r5)}
.chips{display:flex;flex-wrap:wrap;gap:2px 10px;margin-top:5px;font-size:.8125rem;font-variant-numeric:tabular-nums;color:var(--ink)}
.chip{display:inline-block;min-width:1.35em;padding:0 3px;margin-right:3px;border-radius:4px;font-size:.6875rem;font-weight:700;line-height:1.5;text-align:center;color:#fff}
.chip.r2,.chip.r3,.chip.r4{color:var(--ink)}
.meter{display:flex;align-items:center;gap:10px}
.meter .bar{flex:1}
.meter .n{min-width:6.5em;text-align:right}
.badge{display:inline-block;border-radius:999px;padding:1px 9px;font-size:.75rem;font-weight:700;letter-spacing:.02em;border:1px solid currentColor;white-space:nowrap}
.badge.warn{color:var(--warn);background:var(--warn-bg)}
.badge.bad{color:var(--bad);background:var(--bad-bg)}
td.warn{background:var(--warn-bg);color:var(--warn)}
td.bad{background:var(--bad-bg);color:var(--bad)}
td.bad b{white-space:nowrap}
tr.group th{background:var(--soft);color:var(--navy);font-size:.9375rem;font-weight:700;padding-top:7px;padding-bottom:7px;border-top:2px solid var(--line)}
.tid{white-space:nowrap}
tr.revoked th,tr.revoked td{color:var(--muted)}
tr.revoked .tid .mono{text-decoration:line-through}
.seqlist{display:block;font-size:.8125rem;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
.mono{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.875rem;overflow-wrap:anywhere}
.comments{list-style:none;margin:0;padding:0;display:grid;gap:8px}
.comments li{background:var(--card);border:1px solid var(--line);border-left:4px solid var(--line);border-radius:8px;padding:9px 14px}
.comments li.c1,.comments li.c2{border-left-color:var(--r1)}.comments li.c3{border-left-color:var(--r3)}.comments li.c4,.comments li.c5{border-left-color:var(--r5)}
.comments blockquote{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
.comments p{margin:3px 0 0;color:var(--muted);font-size:.8125rem}
.comments .mono{white-space:nowrap;font-size:.8125rem}
.empty{background:var(--card);border:1px dashed #9aa5b1;border-radius:12px;padding:18px;color:var(--muted)}
footer{border-top:1px solid var(--line);color:var(--muted);font-size:.8125rem;padding:16px 0 28px}
.narrow{max-width:440px;margin:0 auto;padding:12vh 16px 40px}
.narrow h1{font-size:1.5rem;margin:0 0 6px}
.form{display:flex;flex-direction:column;gap:10px;margin-top:20px;background:var(--card);border:1px solid var(--line);border-radius:12px;padding:20px}
.form label{font-weight:600}
.form input{font:inherit;border:1px solid #8c959f;border-radius:8px;padding:10px 12px;min-height:48px;width:100%}
.form button{margin-top:6px;min-height:48px}
.alert{border:1px solid var(--bad);background:var(--bad-bg);color:var(--bad);border-radius:8px;padding:10px 14px;margin:16px 0 0}
.code{font-size:3rem;font-weight:800;color:var(--navy);margin:0;line-height:1}
@media (max-width:640px){
.top{padding:16px 0 14px}
.top h1{font-size:1.375rem}
.filter label{flex:1 1 140px}
.filter input,.filter select{min-width:0;width:100%}
.filter button{flex:1 1 100%}
nav.toc a{padding:8px 0}
main.wrap{padding-top:20px}
h2{font-size:1.25rem}
.cards{grid-template-columns:1fr 1fr;gap:8px}
.card{padding:10px 12px}
.card .v{font-size:1.5rem}
.card .s{font-size:.8125rem}
.grid2{grid-template-columns:minmax(0,1fr)}
.tablebox{overflow:visible}
table.stack caption{display:block}
table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
table.stack,table.stack tbody,table.stack th,table.stack td{display:block;width:auto}
table.stack tr{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);column-gap:20px;border-top:1px solid var(--line);padding:10px 14px}
table.stack th,table.stack td{border:0;padding:2px 0}
table.stack tbody th,table.stack td.barcell,table.stack td.wide{grid-column:1/-1}
table.stack tbody th{font-size:1.0625rem;padding-bottom:4px;white-space:normal}
table.stack tr.group{padding:0}
table.stack tr.group th{padding:7px 14px;border-top:0}
table.stack td{display:flex;justify-content:space-between;align-items:baseline;gap:10px;text-align:right;min-width:0}
table.stack td::before{content:attr(data-label);color:var(--muted);font-size:.8125rem;text-align:left;flex:0 1 auto}
table.stack td.barcell,table.stack td.wide{display:block;text-align:left;padding-top:4px}
table.stack td.barcell::before,table.stack td.wide::before{display:block;margin-bottom:2px}
table.stack td.warn,table.stack td.bad{padding:2px 6px;border-radius:6px}
}
@media print{.top{background:#fff;color:var(--ink)}.top .period{color:var(--ink)}.filter,nav.toc,.skip{display:none}}
)CSS";
    for (int w = 0; w <= 100; ++w) css += ".w" + std::to_string(w) + "{width:" + std::to_string(w) + "%}";
    css += "\n";
    return css;
}

}  // namespace

const std::string& pageStylesheet() {
    static const std::string css = buildStylesheet();
    return css;
}

std::string contentSecurityPolicy() { return contentSecurityPolicyFor(pageStylesheet()); }

std::string contentSecurityPolicyFor(const std::string& stylesheet) {
    std::string hex = sha256Hex(stylesheet);
    std::string raw;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) raw += char(std::stoi(hex.substr(i, 2), nullptr, 16));
    return "default-src 'none'; style-src 'sha256-" + base64(raw) +
           "'; img-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
}

}  // namespace otklik::hub
