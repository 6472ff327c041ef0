package dev.steno.server.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds an in-memory key store from PEM files as users have them from Let's Encrypt and most CAs: a certificate
 * chain ({@code fullchain.pem}) and a private key ({@code privkey.pem}) in PKCS#8 ({@code BEGIN PRIVATE KEY}),
 * PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) or SEC1 EC ({@code BEGIN EC PRIVATE KEY}) form. Encrypted keys are
 * refused with a message saying how to decrypt them.
 */
public final class PemKeyStore {
    /** The key store's password for the key entry; the store never leaves memory. */
    public static final char[] PASSWORD = "steno".toCharArray();
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----", Pattern.DOTALL);

    private PemKeyStore() {
    }

    /** Loads the certificate chain and key into a PKCS#12 key store under the alias "steno". */
    public static KeyStore load(Path certFile, Path keyFile) throws IOException {
        List<Certificate> chain = readCertificates(certFile);
        PrivateKey key = readPrivateKey(keyFile);
        if (!matches(key, chain.get(0))) {
            throw new IOException("the key in " + keyFile + " does not fit the certificate in " + certFile
                    + " (the first certificate of the chain must be the server's own)");
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("steno", key, PASSWORD, chain.toArray(new Certificate[0]));
            return ks;
        } catch (GeneralSecurityException e) {
            throw new IOException("the key in " + keyFile + " does not fit the certificate in " + certFile + ": "
                    + e.getMessage(), e);
        }
    }

    /** Signs a probe with the key and checks it with the certificate's public key. */
    private static boolean matches(PrivateKey key, Certificate cert) {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (alg == null) {
            return true; // unusual key type: let the TLS handshake judge it
        }
        try {
            byte[] probe = "steno key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(alg);
            signer.initSign(key);
            signer.update(probe);
            byte[] sig = signer.sign();
            Signature verifier = Signature.getInstance(alg);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            return verifier.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static List<Certificate> readCertificates(Path file) throws IOException {
        String pem = read(file, "--ssl-certfile");
        List<Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            Matcher m = BLOCK.matcher(pem);
            while (m.find()) {
                if (m.group(1).equals("CERTIFICATE")) {
                    certs.add(cf.generateCertificate(new ByteArrayInputStream(decode(m.group(2), file))));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("--ssl-certfile " + file + ": not a valid X.509 certificate: " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new IOException("--ssl-certfile " + file + ": no '-----BEGIN CERTIFICATE-----' block found "
                    + "(expected a PEM certificate chain such as Let's Encrypt's fullchain.pem)");
        }
        return certs;
    }

    static PrivateKey readPrivateKey(Path file) throws IOException {
        String pem = read(file, "--ssl-keyfile");
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String type = m.group(1);
            switch (type) {
                case "PRIVATE KEY" -> {
                    return pkcs8(decode(m.group(2), file), file);
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(wrapPkcs8(RSA_OID, decode(m.group(2), file)), file);
                }
                case "EC PRIVATE KEY" -> {
                    return pkcs8(wrapPkcs8(EC_OID, decode(m.group(2), file)), file);
                }
                case "ENCRYPTED PRIVATE KEY" -> throw new IOException("--ssl-keyfile " + file
                        + ": the key is encrypted; decrypt it first (openssl pkey -in KEY -out plain.pem)");
                default -> {
                    // certificates or parameters in the same file: keep looking
                }
            }
        }
        throw new IOException("--ssl-keyfile " + file + ": no private key block found (expected '-----BEGIN PRIVATE "
                + "KEY-----', 'BEGIN RSA PRIVATE KEY' or 'BEGIN EC PRIVATE KEY', such as Let's Encrypt's privkey.pem)");
    }

    private static PrivateKey pkcs8(byte[] der, Path file) throws IOException {
        for (String alg : new String[] {"RSA", "EC", "Ed25519", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IOException("--ssl-keyfile " + file + ": the private key is neither RSA, EC nor Ed25519, or damaged");
    }

    // AlgorithmIdentifier bodies for PKCS#8 wrapping of legacy key formats
    private static final byte[] RSA_OID = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7,
        0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    private static final byte[] EC_OID = {0x30, 0x13, 0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02,
        0x01, 0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07};

    /**
     * PKCS#8 = SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING key }. The EC identifier assumes P-256, which is
     * what Let's Encrypt issues EC keys on; SEC1 keys usually name their curve inside, which Java reads from there.
     */
    static byte[] wrapPkcs8(byte[] algorithmId, byte[] key) {
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octet = derElement(0x04, key);
        byte[] body = concat(version, algorithmId, octet);
        return derElement(0x30, body);
    }

    private static byte[] derElement(int tag, byte[] content) {
        int len = content.length;
        byte[] header;
        if (len < 0x80) {
            header = new byte[] {(byte) tag, (byte) len};
        } else if (len < 0x100) {
            header = new byte[] {(byte) tag, (byte) 0x81, (byte) len};
        } else if (len < 0x10000) {
            header = new byte[] {(byte) tag, (byte) 0x82, (byte) (len >> 8), (byte) len};
        } else {
            header = new byte[] {(byte) tag, (byte) 0x83, (byte) (len >> 16), (byte) (len >> 8), (byte) len};
        }
        return concat(header, content);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    private static byte[] decode(String base64, Path file) throws IOException {
        try {
            return Base64.getMimeDecoder().decode(base64.replaceAll("(?m)^[A-Za-z-]+:.*$", "").strip());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": damaged PEM block (bad base64): " + e.getMessage(), e);
        }
    }

    private static String read(Path file, String flag) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(flag + " " + file + ": no such file");
        }
        return Files.readString(file, StandardCharsets.US_ASCII);
    }
}
