/* hvt_note.c: the image's manifest note: the ABI version, and no device of its own. */
#include <guest/manifest.h>

/* Layers that need a device (net/) add their own note with its bit. */
GUEST_MANIFEST(hvt_note, 0);
