#!/bin/sh
# Functions this project does not use (docs: c-style, "Banned functions"):
# unbounded string writes, unchecked number parsing, non-reentrant time.
set -eu
cd "$(dirname "$0")/.."
pattern='\b(sprintf|vsprintf|strcpy|strcat|strncpy|strtok|atoi|atol|atoll|sscanf|gmtime|localtime|gets)\('
if grep -nE "$pattern" cmd/*/*.c pkg/*/*.c pkg/*/*.h; then
	echo "lint-banned: banned function used (see above)" >&2
	exit 1
fi
# A // that is not part of a URL (scheme://) or inside a string.
if grep -nE '(^|[^:])//' cmd/*/*.c pkg/*/*.c pkg/*/*.h | grep -vE '"[^"]*//[^"]*"'; then
	echo "lint-banned: // comment (use /* */)" >&2
	exit 1
fi
if grep -nE 'typedef struct' cmd/*/*.c pkg/*/*.c pkg/*/*.h; then
	echo "lint-banned: typedef struct" >&2
	exit 1
fi
