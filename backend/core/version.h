/* version.h - the release version, set by CMake from project(VERSION). */
#ifndef EP_VERSION_H
#define EP_VERSION_H

#ifndef EP_VERSION
#define EP_VERSION "0.0.0-dev"
#endif

#endif
