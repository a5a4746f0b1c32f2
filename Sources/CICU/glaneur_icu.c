#include "glaneur_icu.h"
