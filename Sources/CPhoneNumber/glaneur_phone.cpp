#include "glaneur_phone.h"

#include <cstring>
#include <string>

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

// Fills the answers that do not depend on how the number was written.
// With `derive_validity`, validity comes from the type already computed (IsValidNumber
// is "the region is known and the type is not UNKNOWN"), which spares a second match of
// the region's patterns; without it, IsValidNumber itself is asked, as the reference.
void describe(const PhoneNumberUtil &util, const PhoneNumber &number,
              glaneur_phone_result *result, bool derive_validity) {
    std::string e164;
    util.Format(number, PhoneNumberUtil::E164, &e164);
    std::strncpy(result->e164, e164.c_str(), sizeof result->e164 - 1);
    result->e164[sizeof result->e164 - 1] = '\0';

    std::string region;
    util.GetRegionCodeForNumber(number, &region);
    if (region.size() < sizeof result->region) {
        std::strcpy(result->region, region.c_str());
    }

    result->country_code = number.country_code();
    PhoneNumberUtil::PhoneNumberType type = util.GetNumberType(number);
    result->number_type = static_cast<int32_t>(type);
    if (derive_validity) {
        result->is_valid =
            !region.empty() && region != "ZZ" && type != PhoneNumberUtil::UNKNOWN ? 1 : 0;
    } else {
        result->is_valid = util.IsValidNumber(number) ? 1 : 0;
    }
    result->is_possible = -1;
}

void clear(glaneur_phone_result *result) {
    std::memset(result, 0, sizeof *result);
    result->number_type = static_cast<int32_t>(PhoneNumberUtil::UNKNOWN);
}

}  // namespace

extern "C" int32_t glaneur_phone_parse(const char *text, int32_t length,
                                       const char *default_region,
                                       glaneur_phone_result *result) {
    clear(result);
    // GetInstance builds the metadata once and is safe to call from any thread.
    const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    std::string input(text, static_cast<size_t>(length));
    PhoneNumberUtil::ErrorType error = util.Parse(input, default_region, &number);
    if (error != PhoneNumberUtil::NO_PARSING_ERROR) {
        return static_cast<int32_t>(error);
    }
    describe(util, number, result, false);
    return 0;
}

extern "C" int32_t glaneur_phone_check(int32_t country_code, uint64_t national_number,
                                       glaneur_phone_result *result) {
    clear(result);
    const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    number.set_country_code(country_code);
    number.set_national_number(national_number);
    describe(util, number, result, true);
    return 0;
}
