#include <libxml/xmlversion.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlsave.h>
