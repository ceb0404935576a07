# A stand-in for Homebrew, for tests/integration/source_release.py: runs a formula as
# `brew install --formula FILE` then `brew test` would, on Linux. The tarball at the formula's
# url (file:// only) must have its sha256; it is unpacked, install runs in its top folder with a
# Cellar folder as prefix, and the test block runs in an empty folder that is also HOME.
#
# Only the parts of Homebrew's formula DSL that packaging/homebrew/chaptag.rb uses are here, as
# Homebrew defines them (std_cmake_args is Homebrew's list, less its FetchContent trap, a file of
# Homebrew's own); anything else is an error, so the formula cannot drift past what this runs.
# Not modelled: superenv's compiler shims, the sandbox, bottles, linking into HOMEBREW_PREFIX.
#
#   ruby brew_shim.rb FORMULA.rb WORKDIR
#
# Prints each command it runs on stderr; writes what the formula declares to WORKDIR/formula.json.
require "digest"
require "etc"
require "fileutils"
require "json"
require "open3"
require "pathname"
require "uri"

module OS
  def self.mac?
    false
  end

  def self.linux?
    true
  end
end

def ENV.cc
  self["CC"] || "cc"
end

class BuildError < StandardError; end

class Formula
  @formulae = []

  class << self
    attr_reader :meta, :test_block, :formulae

    def inherited(sub)
      super
      Formula.formulae << sub
      sub.instance_variable_set(:@meta, { "deps" => [], "uses_from_macos" => [] })
    end

    %w[desc homepage url sha256 license].each do |field|
      define_method(field) { |value, **_opts| @meta[field] = value }
    end

    # depends_on "name" or depends_on "name" => :build (or [:build, :test])
    def depends_on(dep)
      name, tags = dep.is_a?(Hash) ? dep.first : [dep, nil]
      @meta["deps"] << [name, Array(tags).map(&:to_s)]
    end

    def uses_from_macos(name, **_opts)
      @meta["uses_from_macos"] << name
    end

    def test(&block)
      @test_block = block
    end
  end

  attr_reader :name, :version, :prefix, :testpath

  def initialize(name, version, prefix)
    @name = name
    @version = version
    @prefix = prefix
  end

  def bin = prefix/"bin"
  def lib = prefix/"lib"
  def include = prefix/"include"
  def share = prefix/"share"
  def man1 = prefix/"share/man/man1"

  def std_cmake_args(install_prefix: prefix, install_libdir: "lib", find_framework: "LAST")
    %W[
      -DCMAKE_INSTALL_PREFIX=#{install_prefix}
      -DCMAKE_INSTALL_LIBDIR=#{install_libdir}
      -DCMAKE_BUILD_TYPE=Release
      -DCMAKE_FIND_FRAMEWORK=#{find_framework}
      -DCMAKE_VERBOSE_MAKEFILE=ON
      -Wno-dev
      -DBUILD_TESTING=OFF
    ]
  end

  # Homebrew's system: the command's output shown, a failure ends the build
  def system(cmd, *args)
    argv = [cmd, *args].map(&:to_s)
    warn "==> #{argv.join(" ")}"
    raise BuildError, "failed: #{argv.join(" ")}" unless Kernel.system(*argv)
  end

  def shell_output(cmd, result = 0)
    warn "==> #{cmd}"
    out, status = Open3.capture2(cmd)
    raise BuildError, "#{cmd}: exit #{status.exitstatus}, not #{result}" if status.exitstatus != result

    out
  end

  def assert_match(pattern, text)
    pattern = Regexp.new(Regexp.escape(pattern)) if pattern.is_a?(String)
    raise BuildError, "expected #{pattern.inspect} to match #{text.inspect}" unless pattern.match?(text)
  end

  def assert_equal(expected, actual)
    raise BuildError, "expected #{expected.inspect}, got #{actual.inspect}" if expected != actual
  end

  def run_test
    @testpath = Pathname.pwd
    instance_exec(&self.class.test_block)
  end
end

formula_file, workdir = ARGV
abort "usage: ruby brew_shim.rb FORMULA.rb WORKDIR" if workdir.nil?
load File.expand_path(formula_file)
klass = Formula.formulae.last or abort "#{formula_file}: no formula class"
meta = klass.meta
name = File.basename(formula_file, ".rb")
work = Pathname(workdir).expand_path

# fetch and verify, as brew does before anything else
uri = URI(meta["url"])
abort "#{meta["url"]}: brew_shim fetches file:// urls only" if uri.scheme != "file"
tarball = Pathname(URI.decode_www_form_component(uri.path))
actual = Digest::SHA256.file(tarball).hexdigest
abort "SHA256 mismatch for #{tarball}: formula #{meta["sha256"]}, file #{actual}" if actual != meta["sha256"]
# the version, as Homebrew takes it from the url's file name
version = tarball.basename.to_s[/\A#{Regexp.escape(name)}-(\d+(?:\.\d+)+)\.tar\.gz\z/, 1] or
  abort "#{tarball.basename}: no version in the name"

src = work/"src"
FileUtils.mkdir_p(src)
Kernel.system("tar", "-xzf", tarball.to_s, "-C", src.to_s, exception: true)
top = src.children
top = top.size == 1 && top[0].directory? ? top[0] : src # brew stages into the tarball's one folder

ENV["MAKEFLAGS"] ||= "-j#{Etc.nprocessors}"
formula = klass.new(name, version, work/"Cellar"/name/version)
Dir.chdir(top) { formula.install }
warn "==> #{name} #{version} installed into #{formula.prefix}; testing"

testdir = work/"test"
FileUtils.mkdir_p(testdir)
ENV["HOME"] = testdir.to_s
Dir.chdir(testdir) { formula.run_test }
warn "==> test passed"

declared = meta.merge("name" => name, "version" => version, "prefix" => formula.prefix.to_s,
                      "staged" => top.to_s,
                      "caveats" => formula.respond_to?(:caveats) ? formula.caveats : nil)
File.write(work/"formula.json", JSON.generate(declared))
