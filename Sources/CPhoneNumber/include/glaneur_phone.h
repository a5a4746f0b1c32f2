// Plain-C access to Google's libphonenumber (C++) for the normalisation stage.
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What libphonenumber answers for one number.
typedef struct glaneur_phone_result {
    /// The number in E.164 ("+3281234567"), NUL-terminated; empty when parsing failed.
    char e164[24];
    /// The ISO 3166 region the number belongs to ("BE"), NUL-terminated; may be empty.
    char region[4];
    /// The country calling code (32), 0 when parsing failed.
    int32_t country_code;
    /// libphonenumber's PhoneNumberType: 0 fixed line, 1 mobile, 2 fixed line or mobile,
    /// 3 toll free, 4 premium rate, 5 shared cost, 6 VoIP, 7 personal, 8 pager, 9 UAN,
    /// 10 voicemail, 11 unknown.
    int32_t number_type;
    /// 1 when libphonenumber holds the number valid for its region.
    int32_t is_valid;
    /// Reserved: -1 (not computed, to keep the call fast).
    int32_t is_possible;
} glaneur_phone_result;

/// Parses `length` bytes of UTF-8 with libphonenumber, reading national numbers as numbers
/// of `default_region` (an ISO code such as "BE", or "ZZ" when unknown).
/// Returns 0 on success, otherwise libphonenumber's ErrorType (1 invalid country code,
/// 2 not a number, 3 too short after the international prefix, 4 too short, 5 too long).
int32_t glaneur_phone_parse(const char *text, int32_t length, const char *default_region,
                            glaneur_phone_result *result);

/// Asks libphonenumber about a number already split into its country calling code and
/// national significant number, skipping the text parser (the slow step) while keeping
/// libphonenumber's validity, type and E.164 answers. Validity is derived from the type
/// (valid = region known and type not UNKNOWN, which is how IsValidNumber decides), so
/// that the region's patterns are matched once. Always returns 0.
int32_t glaneur_phone_check(int32_t country_code, uint64_t national_number,
                            glaneur_phone_result *result);

#ifdef __cplusplus
}
#endif
