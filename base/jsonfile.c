/*
 * jsonfile.c - a JSON input file read with file_read and parsed (see jsonfile.h).
 */
#include "jsonfile.h"

#include <stdlib.h>

#include "file.h"

int jsonfile_read(const char *path, size_t max_bytes, size_t flags, json_t **root, vidc_err *e)
{
	char *data = NULL;
	size_t len = 0;
	*root = NULL;
	int rc = file_read(path, max_bytes, &data, &len, e);
	if (rc)
		return rc;
	json_error_t je;
	*root = json_loadb(data, len, flags, &je);
	free(data);
	if (!*root)
		return err_set(e, VE_INVAL, "%s:%d:%d: malformed JSON: %s", path, je.line, je.column, je.text);
	return 0;
}
