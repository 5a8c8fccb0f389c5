"""Text rules, each written once: character classes, numerals, tokenizer and its dictionary,
stop words, sentences, language and normalisation."""
