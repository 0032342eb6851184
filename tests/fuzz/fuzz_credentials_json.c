/* libFuzzer target: the container / IMDS credentials parser (untrusted
 * network input), and the time parser behind it. */
#include "../../pkg/util/util.h"

#include "../../pkg/aws/aws.h"
#include "../../pkg/log/log.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct aws_credentials c;
    char text[64];
    int64_t t;

    if (!aws_parse_json_credentials((const char *)data, size, &c))
        aws_credentials_release(&c);
    if (size < sizeof(text)) {
        memcpy(text, data, size);
        text[size] = '\0';
        (void)!aws_parse_time(text, &t);
    }
    log_teardown();
    return 0;
}
