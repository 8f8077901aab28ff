"""W3C Bitstring Status List v1.0: one bit per signed credential, per purpose.

The bitstring is at least 16 KB (131,072 entries) so that one credential cannot be
told apart from its neighbours; index 0 is the leftmost bit of the first byte. The
list is GZIP-compressed and multibase base64url-encoded ("u..."). A signed credential's
status index is drawn at random (the specification's privacy advice: an index must not
tell when or in what order a credential was issued): list number `index // LIST_SIZE`,
position `index % LIST_SIZE`. Lists are kept at most half full, so a draw rarely hits a
used index; a new list opens when they fill.
"""

import base64
import gzip
import secrets

from django.utils.translation import gettext

LIST_SIZE = 131072


def location(index):
    """(list number, position in that list) of a status index."""
    return divmod(index, LIST_SIZE)


def random_index(used):
    """A status index to try for the next signed credential, `used` being how many are
    taken: uniform over enough lists to keep them at most half full."""
    lists = used // (LIST_SIZE // 2) + 1
    return secrets.randbelow(lists * LIST_SIZE)


def encode(positions):
    bits = bytearray(LIST_SIZE // 8)
    for position in positions:
        bits[position // 8] |= 0x80 >> (position % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def decode(encoded_list):
    """The bitstring of an encoded list; ValueError when it is not one."""
    if not isinstance(encoded_list, str) or not encoded_list.startswith("u"):
        raise ValueError(gettext("The status list is not multibase base64url."))
    body = encoded_list[1:]
    try:
        return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (ValueError, OSError, EOFError):
        raise ValueError(gettext("The status list is not a GZIP-compressed bitstring.")) from None


def bit_is_set(bitstring, position):
    if position // 8 >= len(bitstring):
        raise ValueError(gettext("The status index is outside the list."))
    return bool(bitstring[position // 8] & (0x80 >> (position % 8)))
