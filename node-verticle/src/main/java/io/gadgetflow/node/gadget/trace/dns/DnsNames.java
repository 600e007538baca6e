package io.gadgetflow.node.gadget.trace.dns;

import java.util.Map;

/**
 * The names Inspektor Gadget gives DNS query types (the IANA registry, as its dns tracer lists
 * them) and response codes (gopacket's, which its tracer prints).
 */
final class DnsNames {
  private static final Map<Integer, String> QUERY_TYPES =
      Map.ofEntries(
          Map.entry(1, "A"),
          Map.entry(2, "NS"),
          Map.entry(3, "MD"),
          Map.entry(4, "MF"),
          Map.entry(5, "CNAME"),
          Map.entry(6, "SOA"),
          Map.entry(7, "MB"),
          Map.entry(8, "MG"),
          Map.entry(9, "MR"),
          Map.entry(10, "NULL"),
          Map.entry(11, "WKS"),
          Map.entry(12, "PTR"),
          Map.entry(13, "HINFO"),
          Map.entry(14, "MINFO"),
          Map.entry(15, "MX"),
          Map.entry(16, "TXT"),
          Map.entry(17, "RP"),
          Map.entry(18, "AFSDB"),
          Map.entry(24, "SIG"),
          Map.entry(25, "KEY"),
          Map.entry(28, "AAAA"),
          Map.entry(29, "LOC"),
          Map.entry(33, "SRV"),
          Map.entry(35, "NAPTR"),
          Map.entry(36, "KX"),
          Map.entry(37, "CERT"),
          Map.entry(39, "DNAME"),
          Map.entry(41, "OPT"),
          Map.entry(42, "APL"),
          Map.entry(43, "DS"),
          Map.entry(44, "SSHFP"),
          Map.entry(45, "IPSECKEY"),
          Map.entry(46, "RRSIG"),
          Map.entry(47, "NSEC"),
          Map.entry(48, "DNSKEY"),
          Map.entry(49, "DHCID"),
          Map.entry(50, "NSEC3"),
          Map.entry(51, "NSEC3PARAM"),
          Map.entry(52, "TLSA"),
          Map.entry(53, "SMIMEA"),
          Map.entry(55, "HIP"),
          Map.entry(59, "CDS"),
          Map.entry(60, "CDNSKEY"),
          Map.entry(61, "OPENPGPKEY"),
          Map.entry(62, "CSYNC"),
          Map.entry(63, "ZONEMD"),
          Map.entry(64, "SVCB"),
          Map.entry(65, "HTTPS"),
          Map.entry(99, "SPF"),
          Map.entry(108, "EUI48"),
          Map.entry(109, "EUI64"),
          Map.entry(249, "TKEY"),
          Map.entry(250, "TSIG"),
          Map.entry(251, "IXFR"),
          Map.entry(252, "AXFR"),
          Map.entry(253, "MAILB"),
          Map.entry(254, "MAILA"),
          Map.entry(255, "*"),
          Map.entry(256, "URI"),
          Map.entry(257, "CAA"),
          Map.entry(32768, "TA"),
          Map.entry(32769, "DLV"));

  private static final String[] RESPONSE_CODES = {
    "No Error",
    "Format Error",
    "Server Failure",
    "Non-Existent Domain",
    "Not Implemented",
    "Query Refused",
    "Name Exists when it should not",
    "RR Set Exists when it should not",
    "RR Set that should exist does not",
    "Server Not Authoritative for zone",
    "Name not contained in zone",
  };

  private DnsNames() {}

  static String queryType(int type) {
    return QUERY_TYPES.getOrDefault(type, "UNASSIGNED");
  }

  /** The header has four bits of it; codes 11 to 15 have no name there. */
  static String responseCode(int code) {
    return code < RESPONSE_CODES.length ? RESPONSE_CODES[code] : "Unknown";
  }
}
