/*
 * llm_chat.h - one request to an OpenAI-compatible chat-completions endpoint, shared by the
 * script writer (script_llm.c) and the spec writer (specllm.c): POST {base}/chat/completions
 * with the model, the conversation and the sampling settings; the reply's
 * choices[0].message.content is the answer. Transport faults are retried inside http.c; a reply
 * that is not a chat completion (a broken proxy, the wrong URL) is VE_PROTOCOL, which callers
 * treat as final, since asking again will not help.
 */
#ifndef VIDC_LLM_CHAT_H
#define VIDC_LLM_CHAT_H

#include <jansson.h>

#include "../base/err.h"
#include "http.h"

/* {"role": role, "content": content}: one message of a conversation. */
json_t *llm_msg(const char *role, const char *content);

/* Sends msgs (borrowed) to c's endpoint with model and temperature, and response_format when
 * not NULL (borrowed too). Returns the content of the first choice (the caller frees it), or
 * NULL with e set: the transport's code, VE_PROTOCOL for a reply that is not a chat
 * completion, VE_NOMEM. */
char *llm_chat(const http_client *c, const char *model, json_t *msgs, json_t *response_format,
	       double temperature, vidc_err *e);

#endif
