// Runs a libFuzzer target without libFuzzer or clang: every file given (or in a folder given),
// then every single-byte change of it to a few values and every cut, so `make test` keeps the
// fuzz target compiling and its invariants holding on the normal compiler. The real fuzzing
// is `make fuzz`.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace fs = std::filesystem;

namespace {

long runs = 0;

void run(const std::string& input) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
    ++runs;
}

void runWithVariants(const std::string& seed) {
    run(seed);
    for (size_t n = 0; n < seed.size(); ++n) run(seed.substr(0, n));
    // Neighbours in the base32 alphabet, outside it, lower case, JSON's structure and numbers,
    // and bytes that are not ASCII or not text.
    for (size_t i = 0; i < seed.size(); ++i) {
        for (char c : {'A', 'B', 'Z', '2', '7', 'a', '=', '"', '}', ',', '.', '\\', '\0', '\x01', '\xff'}) {
            if (seed[i] == c) continue;
            std::string changed = seed;
            changed[i] = c;
            run(changed);
        }
    }
    run(seed + seed);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s CORPUS_FILE_OR_FOLDER...\n", argv[0]);
        return 2;
    }
    std::vector<fs::path> files;
    for (int i = 1; i < argc; ++i) {
        fs::path p = argv[i];
        if (fs::is_directory(p)) {
            for (const auto& entry : fs::directory_iterator(p))
                if (entry.is_regular_file() && entry.path().extension() != ".md") files.push_back(entry.path());
        } else if (fs::is_regular_file(p)) {
            files.push_back(p);
        } else {
            std::fprintf(stderr, "corpus_runner: %s is neither a file nor a folder\n", argv[i]);
            return 2;
        }
    }
    if (files.empty()) {
        std::fprintf(stderr, "corpus_runner: no seed files found; the corpus folder should hold some\n");
        return 2;
    }
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        runWithVariants(std::string(std::istreambuf_iterator<char>(in), {}));
    }
    std::printf("corpus_runner: %zu seed files, %ld inputs, all invariants held\n", files.size(), runs);
    return 0;
}
