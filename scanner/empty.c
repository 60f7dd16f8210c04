/* empty.c: keeps a module library buildable before its sources exist. */
typedef int ps_empty_translation_unit;
