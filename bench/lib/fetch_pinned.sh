# fetch_pinned.sh: sourced by the bench scripts that run on public
# repositories at pinned commits (ft_high_repos.sh, mp_repos.sh,
# issue12_repos.sh); their code is fetched, never committed here.
#
#   fetch_pinned DIR OWNER/NAME COMMIT
#
# Leaves DIR a git work tree holding OWNER/NAME at COMMIT (detached): a DIR
# already there is reused as it is, otherwise it is created with the GitHub
# repository as its origin, and the commit alone is fetched (depth 1).
# Returns 0, or 2 with a message naming the calling script. Needs git and
# network access to github.com.
fetch_pinned() {
  _fp_dir=$1 _fp_repo=$2 _fp_commit=$3
  if [ ! -d "$_fp_dir/.git" ]; then
    git init -q "$_fp_dir" && git -C "$_fp_dir" remote add origin "https://github.com/$_fp_repo" || return 2
  fi
  if [ "$(git -C "$_fp_dir" rev-parse -q --verify HEAD 2>/dev/null)" != "$_fp_commit" ]; then
    if ! { git -C "$_fp_dir" fetch -q --depth 1 origin "$_fp_commit" && git -C "$_fp_dir" checkout -q --detach FETCH_HEAD; }; then
      echo "${0##*/}: cannot fetch $_fp_repo at $_fp_commit" >&2
      return 2
    fi
  fi
  return 0
}
