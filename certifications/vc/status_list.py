"""W3C Bitstring Status List v1.0: one bit per signed credential, per purpose.

The bitstring is at least 16 KB (131,072 entries) so that one credential cannot be
told apart from its neighbours; index 0 is the leftmost bit of the first byte. The
list is GZIP-compressed and multibase base64url-encoded ("u..."). A signed credential's
index is its primary key: list number `pk // LIST_SIZE`, position `pk % LIST_SIZE`.
"""

import base64
import gzip

LIST_SIZE = 131072


def location(index):
    """(list number, position in that list) of a status index."""
    return divmod(index, LIST_SIZE)


def encode(positions):
    bits = bytearray(LIST_SIZE // 8)
    for position in positions:
        bits[position // 8] |= 0x80 >> (position % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def decode(encoded_list):
    """The bitstring of an encoded list; ValueError when it is not one."""
    if not isinstance(encoded_list, str) or not encoded_list.startswith("u"):
        raise ValueError("The status list is not multibase base64url.")
    body = encoded_list[1:]
    try:
        return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (ValueError, OSError, EOFError):
        raise ValueError("The status list is not a GZIP-compressed bitstring.") from None


def bit_is_set(bitstring, position):
    if position // 8 >= len(bitstring):
        raise ValueError("The status index is outside the list.")
    return bool(bitstring[position // 8] & (0x80 >> (position % 8)))
