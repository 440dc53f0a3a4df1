/* version.h: unikvm release version (the ABI version lives in abi.h). */
#ifndef UNIKVM_VERSION_H
#define UNIKVM_VERSION_H

#define UNIKVM_VERSION "0.1.0"

#endif
