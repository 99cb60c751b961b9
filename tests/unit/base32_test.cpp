// Base32 for QR tokens: RFC 4648's test vectors, and a decoder strict enough that every byte
// string has exactly one accepted spelling.
#include <gtest/gtest.h>

#include <string>

#include "sync/protocol/base32.h"

using namespace otklik;

TEST(Base32, EncodesRfc4648Vectors) {
    EXPECT_EQ(base32Encode(""), "");
    EXPECT_EQ(base32Encode("f"), "MY");
    EXPECT_EQ(base32Encode("fo"), "MZXQ");
    EXPECT_EQ(base32Encode("foo"), "MZXW6");
    EXPECT_EQ(base32Encode("foob"), "MZXW6YQ");
    EXPECT_EQ(base32Encode("fooba"), "MZXW6YTB");
    EXPECT_EQ(base32Encode("foobar"), "MZXW6YTBOI");
}

TEST(Base32, EveryLengthAndByteRoundTrips) {
    std::string data;
    for (int n = 0; n < 64; ++n) {
        std::string out = "untouched";
        ASSERT_TRUE(base32Decode(base32Encode(data), out)) << "length " << n;
        EXPECT_EQ(out, data);
        data += static_cast<char>(n * 37 + 255);  // covers high bytes and zero
    }
}

TEST(Base32, RefusesAnythingButTheCanonicalSpelling) {
    std::string out = "untouched";
    EXPECT_FALSE(base32Decode("mzxw6", out)) << "lower case";
    EXPECT_FALSE(base32Decode("MZXW6===", out)) << "padding";
    EXPECT_FALSE(base32Decode("MZXW1", out)) << "1 is not in the alphabet";
    EXPECT_FALSE(base32Decode("MZXW8", out)) << "8 is not in the alphabet";
    EXPECT_FALSE(base32Decode("M", out)) << "length 1 mod 8 encodes no byte string";
    EXPECT_FALSE(base32Decode("MZX", out)) << "length 3 mod 8";
    EXPECT_FALSE(base32Decode("MZXW6Y", out)) << "length 6 mod 8";
    EXPECT_FALSE(base32Decode("MZ", out)) << "non-zero unused bits ('f' is MY)";
    EXPECT_FALSE(base32Decode(std::string("MY\0", 3), out)) << "embedded NUL";
    EXPECT_EQ(out, "untouched");
    EXPECT_TRUE(base32Decode("MY", out));
    EXPECT_EQ(out, "f");
}
