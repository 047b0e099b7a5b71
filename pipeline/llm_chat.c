/*
 * llm_chat.c - one chat-completions request (see llm_chat.h).
 */
#include "llm_chat.h"

#include <stdlib.h>
#include <string.h>

json_t *llm_msg(const char *role, const char *content)
{
	return json_pack("{s:s, s:s}", "role", role, "content", content);
}

char *llm_chat(const http_client *c, const char *model, json_t *msgs, json_t *response_format,
	       double temperature, vidc_err *e)
{
	json_t *req = json_pack("{s:s, s:O, s:f}", "model", model ? model : "", "messages", msgs,
				"temperature", temperature);
	if (req && response_format)
		json_object_set(req, "response_format", response_format);
	char *body = req ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (!body) {
		err_set(e, VE_NOMEM, "%s: out of memory", c->provider);
		return NULL;
	}
	http_response r;
	char err[VE_MSG_MAX];
	int rc = http_post_json(c, "/chat/completions", body, &r, err, sizeof err);
	free(body);
	if (rc < 0) {
		http_response_free(&r);
		err_set(e, rc, "%s", err);
		return NULL;
	}
	json_t *reply = json_loadb(r.body.data, r.body.len, 0, NULL);
	http_response_free(&r);
	json_t *ch0 = json_array_get(json_object_get(reply, "choices"), 0);
	const char *content = json_string_value(json_object_get(json_object_get(ch0, "message"), "content"));
	char *out = content ? strdup(content) : NULL;
	if (!content)
		err_set(e, VE_PROTOCOL, "%s: the reply from %s/chat/completions is not a chat completion "
			"(no choices[0].message.content)%s", c->provider, c->base_url, reply ? "" : ": not JSON");
	else if (!out)
		err_set(e, VE_NOMEM, "%s: out of memory", c->provider);
	json_decref(reply);
	return out;
}
