package dev.voxwire.core.protocol;

/** UTF-8 sizes without encoding: counting a message's bytes (for size limits and byte meters) should not copy it. */
public final class Utf8 {
    private Utf8() {
    }

    /**
     * The number of bytes {@code s.toString().getBytes(UTF_8)} would have: 1 per ASCII char, 2 up
     * to U+07FF, 3 for the rest of the BMP, 4 per surrogate pair; an unpaired surrogate counts 1
     * (the JDK encodes it as {@code '?'}).
     */
    public static long encodedLength(CharSequence s) {
        int n = s.length();
        long bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                bytes += 1;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 2; // 4 bytes for the 2 chars of the pair
                i++;
            } else if (!Character.isSurrogate(c)) {
                bytes += 2;
            }
        }
        return bytes;
    }
}
