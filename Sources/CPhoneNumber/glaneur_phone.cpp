#include "glaneur_phone.h"
