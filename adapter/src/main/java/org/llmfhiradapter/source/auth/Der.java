package org.llmfhiradapter.source.auth;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough DER (ASN.1) to turn the traditional OpenSSL key formats (PKCS#1 "RSA PRIVATE KEY", SEC1 "EC
 * PRIVATE KEY") into the PKCS#8 form the JDK reads, and to find the public key OpenSSL stores inside an EC
 * private key. Not a general ASN.1 parser: it reads definite lengths only and fails on anything else.
 */
final class Der {

  static final int INTEGER = 0x02;
  static final int BIT_STRING = 0x03;
  static final int OCTET_STRING = 0x04;
  static final int NULL = 0x05;
  static final int OID = 0x06;
  static final int SEQUENCE = 0x30;
  /** SEC1 ECPrivateKey: [0] parameters (the named curve). */
  static final int CONTEXT_0 = 0xA0;
  /** SEC1 ECPrivateKey and PKCS#8 v2: [1] publicKey. */
  static final int CONTEXT_1 = 0xA1;

  /** rsaEncryption, 1.2.840.113549.1.1.1. */
  static final byte[] RSA_ENCRYPTION = {0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x01, 0x01};
  /** id-ecPublicKey, 1.2.840.10045.2.1. */
  static final byte[] EC_PUBLIC_KEY = {0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01};

  /** One element: its tag and its content octets. */
  record Element(int tag, byte[] content) {}

  /** Thrown for input that is not the DER we expect; carries no input bytes. */
  static final class MalformedException extends Exception {
    MalformedException(String what) {
      super(what);
    }
  }

  private Der() {}

  /** The single element that makes up {@code der} (trailing bytes are an error). */
  static Element parse(byte[] der) throws MalformedException {
    List<Element> all = elements(der);
    if (all.size() != 1) {
      throw new MalformedException("not one DER element");
    }
    return all.get(0);
  }

  /** The elements one after the other in {@code content} (e.g. a SEQUENCE's content). */
  static List<Element> elements(byte[] content) throws MalformedException {
    List<Element> out = new ArrayList<>();
    int i = 0;
    while (i < content.length) {
      if (i + 2 > content.length) {
        throw new MalformedException("truncated DER");
      }
      int tag = content[i++] & 0xFF;
      int length = content[i++] & 0xFF;
      if (length == 0x80) {
        throw new MalformedException("indefinite DER length");
      }
      if (length > 0x80) {
        int octets = length & 0x7F;
        if (octets > 3 || i + octets > content.length) {
          throw new MalformedException("DER length out of range");
        }
        length = 0;
        for (int k = 0; k < octets; k++) {
          length = (length << 8) | (content[i++] & 0xFF);
        }
      }
      if (length > content.length - i) {
        throw new MalformedException("truncated DER");
      }
      byte[] value = new byte[length];
      System.arraycopy(content, i, value, 0, length);
      out.add(new Element(tag, value));
      i += length;
    }
    return out;
  }

  /** Encodes one element. */
  static byte[] encode(int tag, byte[]... contents) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] content : contents) {
      body.writeBytes(content);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int length = body.size();
    if (length < 0x80) {
      out.write(length);
    } else if (length < 0x100) {
      out.write(0x81);
      out.write(length);
    } else if (length < 0x10000) {
      out.write(0x82);
      out.write(length >> 8);
      out.write(length & 0xFF);
    } else {
      out.write(0x83);
      out.write(length >> 16);
      out.write((length >> 8) & 0xFF);
      out.write(length & 0xFF);
    }
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  /**
   * PKCS#8 PrivateKeyInfo around a traditional key: {@code SEQUENCE { INTEGER 0, SEQUENCE { algorithm,
   * parameters }, OCTET STRING key }}.
   */
  static byte[] pkcs8(byte[] algorithmOid, byte[] parameters, byte[] key) {
    return encode(
        SEQUENCE,
        encode(INTEGER, new byte[] {0}),
        encode(SEQUENCE, encode(OID, algorithmOid), parameters),
        encode(OCTET_STRING, key));
  }
}
