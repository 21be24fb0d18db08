/* SPDX-License-Identifier: MIT */
/* The grader's base: the hashes that say which lab.ini graded a lab, the
 * kit commit when the kit is no git repository (unknown, or as packed), and the
 * helper programs' output (command_output). */
#include "base/command.h"
#include "base/files.h"
#include "base/provenance.h"
#include "suites.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(sha256_of_known_texts)
{
    char hex[SHA256_HEX_LEN + 1];

    /* FIPS 180-2's example "abc", and the empty text. */
    bytes_sha256("abc", 3, hex);
    ck_assert_str_eq(
        hex,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    bytes_sha256("", 0, hex);
    ck_assert_str_eq(
        hex,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
END_TEST

START_TEST(file_hash_is_the_hash_of_its_bytes)
{
    char dir[] = "/tmp/kit-test-base-XXXXXX", from_file[SHA256_HEX_LEN + 1],
         from_bytes[SHA256_HEX_LEN + 1];
    const char text[] = "[lab]\ntitle = x\n";

    ck_assert_ptr_nonnull(mkdtemp(dir));
    char *path = path_join(dir, "lab.ini", NULL);
    ck_assert_int_eq(write_file_atomic(path, text, strlen(text)), 0);
    ck_assert_int_eq(file_sha256(path, from_file), 0);
    bytes_sha256(text, strlen(text), from_bytes);
    ck_assert_str_eq(from_file, from_bytes);
    ck_assert_int_eq(write_file_atomic(path, "[lab]\n", 6), 0);
    ck_assert_int_eq(file_sha256(path, from_file), 0);
    ck_assert_str_ne(from_file, from_bytes);
    unlink(path);
    ck_assert_int_eq(file_sha256(path, from_file), -1);
    rmdir(dir);
    free(path);
}
END_TEST

START_TEST(kit_commit_outside_git)
{
    char dir[] = "/tmp/kit-test-base-XXXXXX", commit[96];

    ck_assert_ptr_nonnull(mkdtemp(dir));
    kit_commit(dir, "02-threads", commit, sizeof(commit));
    ck_assert_str_eq(commit, "unknown");
    /* Packed without its history (make gradescope): the lab's own line. */
    char *list = path_join(dir, KIT_COMMITS, NULL);
    const char lines[] = "02-threads-extra 1111111111\n"
                         "02-threads 0123456789abcdef0123\n"
                         "03-locks 2222222222\n";
    ck_assert_int_eq(write_file_atomic(list, lines, strlen(lines)), 0);
    kit_commit(dir, "02-threads", commit, sizeof(commit));
    ck_assert_str_eq(commit, "0123456789abcdef0123");
    kit_commit(dir, "04-processes", commit, sizeof(commit));
    ck_assert_str_eq(commit, "unknown");
    unlink(list);
    free(list);
    rmdir(dir);
}
END_TEST

START_TEST(command_output_status_streams_and_folder)
{
    const char *both[] = {"sh", "-c", "echo out; echo err >&2; exit 3", NULL};
    const char *where[] = {"pwd", NULL};
    const char *none[] = {"kit-no-such-program", NULL};
    const char *lots[] = {"sh", "-c", "yes | head -c 1000000", NULL};
    char out[64];

    ck_assert_int_eq(command_output(NULL, both, true, out, sizeof(out)), 3);
    ck_assert_str_eq(out, "out\nerr\n");
    ck_assert_int_eq(command_output(NULL, both, false, out, sizeof(out)), 3);
    ck_assert_str_eq(out, "out\n");
    ck_assert_int_eq(command_output("/", where, false, out, sizeof(out)), 0);
    ck_assert_str_eq(out, "/\n");
    ck_assert_int_eq(command_output(NULL, none, true, out, sizeof(out)), -1);
    /* More than the buffer: the head kept, the rest read and dropped. */
    ck_assert_int_eq(command_output(NULL, lots, false, out, sizeof(out)), 0);
    ck_assert_uint_eq(strlen(out), sizeof(out) - 1);
}
END_TEST

Suite *
base_suite(void)
{
    Suite *s = suite_create("base");
    TCase *tc = tcase_create("provenance");

    tcase_add_test(tc, sha256_of_known_texts);
    tcase_add_test(tc, file_hash_is_the_hash_of_its_bytes);
    tcase_add_test(tc, kit_commit_outside_git);
    tcase_add_test(tc, command_output_status_streams_and_folder);
    suite_add_tcase(s, tc);
    return s;
}
